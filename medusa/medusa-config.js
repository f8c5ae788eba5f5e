// Medusa configuration for Shopkeeper's local store (tests, benchmarks, demos). Not for production:
// the secrets below are development defaults; a production Medusa is configured by its operator.
const { loadEnv, defineConfig } = require("@medusajs/framework/utils")

loadEnv(process.env.NODE_ENV || "development", process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/shopkeeper_medusa",
    databaseDriverOptions: { connection: { ssl: false } },
    http: {
      storeCors: "*",
      adminCors: "*",
      authCors: "*",
      jwtSecret: process.env.JWT_SECRET || "shopkeeper-local-jwt",
      cookieSecret: process.env.COOKIE_SECRET || "shopkeeper-local-cookie",
    },
  },
  admin: { disable: true },
})
