// Seed Shopkeeper's Medusa store through Medusa's own workflows (run by `medusa exec`, see ../../run.sh).
//
// Reads the JSON written by ../../seed_data.py (SEED_FILE): the demo catalog, customers and, for each
// customer, orders in every status the agent handles. Creates a region (US, USD), a sales channel, a
// stock location with a manual shipping option, products with prices and inventory levels, customers
// with a default address, paid orders taken to their status (fulfilled, shipped, delivered, cancelled,
// return or exchange requested), and a secret admin API key written to API_KEY_FILE (outside git).
// Refuses to run twice on one database: the API key titled "shopkeeper" marks a seeded store.
const fs = require("fs")
const path = require("path")
const { ContainerRegistrationKeys, Modules, ProductStatus } = require("@medusajs/framework/utils")
const wf = require("@medusajs/medusa/core-flows")

const KEY_TITLE = "shopkeeper"
const CONCURRENCY = 4

async function setUpStore(container) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const fulfillment = container.resolve(Modules.FULFILLMENT)

  const { data: stores } = await query.graph({ entity: "store", fields: ["id"] })
  const { result: channels } = await wf.createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: "Shopkeeper Demo Store" }] },
  })
  const channel = channels[0]
  await wf.updateStoresWorkflow(container).run({
    input: {
      selector: { id: stores[0].id },
      update: {
        name: "Shopkeeper Demo Store",
        supported_currencies: [{ currency_code: "usd", is_default: true }],
        default_sales_channel_id: channel.id,
      },
    },
  })
  const { result: regions } = await wf.createRegionsWorkflow(container).run({
    input: {
      regions: [{ name: "United States", currency_code: "usd", countries: ["us"], payment_providers: ["pp_system_default"] }],
    },
  })
  await wf.createTaxRegionsWorkflow(container).run({ input: [{ country_code: "us", provider_id: "tp_system" }] })

  const { result: locations } = await wf.createStockLocationsWorkflow(container).run({
    input: { locations: [{ name: "Main Warehouse", address: { address_1: "1 Depot Road", city: "Portland", country_code: "US" } }] },
  })
  const location = locations[0]
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
  })
  const profiles = await fulfillment.listShippingProfiles({ type: "default" })
  const profile = profiles.length
    ? profiles[0]
    : (await wf.createShippingProfilesWorkflow(container).run({ input: { data: [{ name: "Default", type: "default" }] } })).result[0]
  const fulfillmentSet = await fulfillment.createFulfillmentSets({
    name: "Main Warehouse shipping",
    type: "shipping",
    service_zones: [{ name: "United States", geo_zones: [{ country_code: "us", type: "country" }] }],
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
  })
  const { result: options } = await wf.createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: "Standard Shipping",
        price_type: "flat",
        provider_id: "manual_manual",
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: profile.id,
        type: { label: "Standard", description: "Ships in 2-3 days.", code: "standard" },
        prices: [{ currency_code: "usd", amount: 0 }, { region_id: regions[0].id, amount: 0 }],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
      {
        name: "Return Shipping",
        price_type: "flat",
        provider_id: "manual_manual",
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: profile.id,
        type: { label: "Return", description: "Customer sends the items back.", code: "return" },
        prices: [{ currency_code: "usd", amount: 0 }, { region_id: regions[0].id, amount: 0 }],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "true", operator: "eq" },
        ],
      },
    ],
  })
  await wf.linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: location.id, add: [channel.id] } })
  return { channel, region: regions[0], location, profile, shippingOption: options[0] }
}

async function createCatalog(container, store, products) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { result: created } = await wf.createProductsWorkflow(container).run({
    input: {
      products: products.map((p) => ({
        title: p.title,
        description: p.description,
        subtitle: p.category,
        status: ProductStatus.PUBLISHED,
        shipping_profile_id: store.profile.id,
        metadata: { category: p.category },
        options: Object.entries(p.options).map(([title, values]) => ({ title, values })),
        variants: p.variants.map((v) => ({
          title: Object.values(v.options).join(" / "),
          options: v.options,
          manage_inventory: true,
          prices: [{ amount: v.price, currency_code: "usd" }],
        })),
        sales_channels: [{ id: store.channel.id }],
      })),
    },
  })
  const ids = created.map((p) => p.id)
  const { data: full } = await query.graph({
    entity: "product",
    fields: ["id", "title", "variants.id", "variants.title", "variants.inventory_items.inventory_item_id"],
    filters: { id: ids },
  })
  const byId = new Map(full.map((p) => [p.id, p]))
  // Variants in the seed's order, with their inventory item and stock.
  const catalog = created.map((p, i) => {
    const variants = byId.get(p.id).variants
    return products[i].variants.map((v) => {
      const title = Object.values(v.options).join(" / ")
      const variant = variants.find((x) => x.title === title)
      return { ...v, id: variant.id, title, product: p.title, inventoryItemId: variant.inventory_items[0].inventory_item_id }
    })
  })
  await wf.createInventoryLevelsWorkflow(container).run({
    input: {
      inventory_levels: catalog.flat().map((v) => ({
        inventory_item_id: v.inventoryItemId,
        location_id: store.location.id,
        stocked_quantity: v.stock,
      })),
    },
  })
  return catalog
}

async function createCustomers(container, customers) {
  const { result } = await wf.createCustomersWorkflow(container).run({
    input: {
      customersData: customers.map((c) => ({
        first_name: c.first_name,
        last_name: c.last_name,
        email: c.email,
        phone: c.phone,
        addresses: [{ ...c.address, first_name: c.first_name, last_name: c.last_name, is_default_shipping: true, is_default_billing: true }],
      })),
    },
  })
  return result
}

// One paid order taken to `status` through the workflows a member of staff's clicks would run.
async function createOrder(container, store, customer, spec, catalog) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const address = { ...spec.address, first_name: spec.first_name, last_name: spec.last_name }
  const items = spec.items.map(([p, v]) => {
    const variant = catalog[p][v]
    return { variant_id: variant.id, quantity: 1, title: variant.product, unit_price: variant.price }
  })
  const { result: order } = await wf.createOrderWorkflow(container).run({
    input: {
      region_id: store.region.id,
      customer_id: customer.id,
      email: customer.email,
      sales_channel_id: store.channel.id,
      currency_code: "usd",
      shipping_address: address,
      billing_address: address,
      items,
      shipping_methods: [{ name: "Standard Shipping", amount: 0, shipping_option_id: store.shippingOption.id }],
    },
  })
  const { data: [full] } = await query.graph({
    entity: "order",
    fields: ["id", "total", "items.id", "items.quantity", "items.variant_id"],
    filters: { id: order.id },
  })
  const variants = new Map(catalog.flat().map((v) => [v.id, v]))
  await wf.createReservationsWorkflow(container).run({
    input: {
      reservations: full.items.map((i) => ({
        inventory_item_id: variants.get(i.variant_id).inventoryItemId,
        location_id: store.location.id,
        quantity: i.quantity,
        line_item_id: i.id,
      })),
    },
  })
  const { result: collection } = await wf.createOrderPaymentCollectionWorkflow(container).run({
    input: { order_id: order.id, amount: full.total },
  })
  await wf.markPaymentCollectionAsPaid(container).run({
    input: { order_id: order.id, payment_collection_id: collection[0].id },
  })
  const lines = full.items.map((i) => ({ id: i.id, quantity: i.quantity }))
  const status = spec.status
  if (status === "cancelled") {
    await wf.cancelOrderWorkflow(container).run({ input: { order_id: order.id } })
    return
  }
  if (status === "pending") return
  const { result: fulfilled } = await wf.createOrderFulfillmentWorkflow(container).run({
    input: { order_id: order.id, items: lines, location_id: store.location.id },
  })
  if (status === "processed") return
  await wf.createOrderShipmentWorkflow(container).run({
    input: {
      order_id: order.id,
      fulfillment_id: fulfilled.id,
      items: lines,
      labels: [{ tracking_number: spec.tracking, tracking_url: "#", label_url: "#" }],
    },
  })
  if (status === "shipped") return
  await wf.markOrderFulfillmentAsDeliveredWorkflow(container).run({ input: { orderId: order.id, fulfillmentId: fulfilled.id } })
  if (status === "return requested") {
    const { result: change } = await wf.beginReturnOrderWorkflow(container).run({
      input: { order_id: order.id, location_id: store.location.id },
    })
    await wf.requestItemReturnWorkflow(container).run({ input: { return_id: change.return_id, items: [lines[0]] } })
    await wf.confirmReturnRequestWorkflow(container).run({ input: { return_id: change.return_id } })
  } else if (status === "exchange requested") {
    const { result: change } = await wf.beginExchangeOrderWorkflow(container).run({ input: { order_id: order.id } })
    await wf.orderExchangeRequestItemReturnWorkflow(container).run({
      input: { exchange_id: change.exchange_id, items: [lines[0]] },
    })
    await wf.orderExchangeAddNewItemWorkflow(container).run({
      input: { exchange_id: change.exchange_id, items: [{ variant_id: spec.exchangeFor, quantity: 1 }] },
    })
    await wf.confirmExchangeRequestWorkflow(container).run({ input: { exchange_id: change.exchange_id } })
  }
}

module.exports.default = async function seed({ container }) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const apiKeys = container.resolve(Modules.API_KEY)
  const keyFile = process.env.API_KEY_FILE
  if ((await apiKeys.listApiKeys({ title: KEY_TITLE, type: "secret" })).length) {
    logger.info("Store already seeded (API key 'shopkeeper' exists); nothing to do.")
    return
  }
  const data = JSON.parse(fs.readFileSync(process.env.SEED_FILE, "utf-8"))
  const t0 = Date.now()
  const store = await setUpStore(container)
  const catalog = await createCatalog(container, store, data.products)
  logger.info(`Seeded ${catalog.length} products, ${catalog.flat().length} variants (${Date.now() - t0} ms)`)
  const customers = await createCustomers(container, data.customers)
  // Customers in parallel (a few at a time), each customer's orders one after another.
  let n = 0
  const seedCustomer = async (spec, i) => {
    for (const [j, order] of spec.orders.entries()) {
      const family = catalog[order.items[0][0]]
      const exchangeFor = family[(order.items[0][1] + 1) % Math.min(4, family.length)].id
      const tracking = `1Z${String(i * 100 + j).padStart(7, "0")}`
      const address = { address: spec.address, first_name: spec.first_name, last_name: spec.last_name }
      await createOrder(container, store, customers[i], { ...order, ...address, exchangeFor, tracking }, catalog)
      n += 1
    }
  }
  for (let i = 0; i < data.customers.length; i += CONCURRENCY) {
    await Promise.all(data.customers.slice(i, i + CONCURRENCY).map((spec, k) => seedCustomer(spec, i + k)))
  }
  logger.info(`Seeded ${customers.length} customers, ${n} orders (${Date.now() - t0} ms)`)
  const { result: keys } = await wf.createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: KEY_TITLE, type: "secret", created_by: "shopkeeper-seed" }] },
  })
  fs.mkdirSync(path.dirname(keyFile), { recursive: true })
  fs.writeFileSync(keyFile, keys[0].token, { mode: 0o600 })
  logger.info(`Admin API key written to ${keyFile}`)
}
