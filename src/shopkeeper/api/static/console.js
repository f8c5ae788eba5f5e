// The staff console's little JavaScript: the inbox and the open conversation follow the server through
// server-sent events (no reload), Ctrl+Enter sends a reply. Pages work without it, only not live.
(() => {
  "use strict";
  const csrf = (document.querySelector("meta[name='csrf-token']") || {}).content || "";
  const page = document.body.dataset.page;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function inboxItem(item) {
    const li = element("li", "card");
    li.dataset.id = item.id;
    const h2 = element("h2");
    const link = element("a", "", `Conversation ${item.id.slice(0, 8)}`);
    link.href = `/console/c/${item.id}`;
    h2.append(link);
    li.append(h2);
    const meta = element("p", "meta", `Waiting since ${item.since.replace("T", " ")} UTC · ${item.channel} · `);
    meta.append(element("strong", "", item.assignee ? `held by ${item.assignee}` : "not taken"));
    li.append(meta);
    const dl = element("dl", "summary");
    for (const [label, text] of item.lines) dl.append(element("dt", "", label), element("dd", "", text));
    li.append(dl);
    if (!item.assignee) {
      const form = element("form");
      form.method = "post";
      form.action = `/console/c/${item.id}/take-over`;
      const token = element("input");
      Object.assign(token, { type: "hidden", name: "csrf", value: csrf });
      const button = element("button", "", "Take over");
      button.type = "submit";
      button.setAttribute("aria-label", `Take over conversation ${item.id.slice(0, 8)}`);
      form.append(token, button);
      li.append(form);
    }
    return li;
  }

  function followInbox() {
    const list = document.getElementById("inbox");
    const count = document.getElementById("inbox-count");
    const source = new EventSource("/console/inbox/events");
    source.addEventListener("inbox", (event) => {
      const items = JSON.parse(event.data);
      const focused = document.activeElement && document.activeElement.closest("li[data-id]");
      const keep = focused ? focused.dataset.id : null;
      list.replaceChildren(...items.map(inboxItem));
      count.textContent = `${items.length} conversation${items.length === 1 ? "" : "s"} waiting for a person`;
      const again = keep && list.querySelector(`li[data-id='${keep}'] a`);
      if (again) again.focus();
      document.body.dataset.live = "true";
    });
    source.addEventListener("open", () => { document.body.dataset.live = "true"; });
  }

  function turnItem(turn) {
    const li = element("li", `turn ${turn.role}`);
    li.dataset.seq = turn.seq;
    li.append(element("p", "who", `${turn.label} ${turn.at.slice(11, 16)}`));
    if (turn.text) li.append(element("p", "text", turn.text));
    for (const note of turn.notes) li.append(element("p", `event ${note.kind}`, note.text));
    return li;
  }

  function followConversation() {
    const box = document.querySelector("[data-conversation]");
    const transcript = document.getElementById("transcript");
    const live = document.getElementById("live");
    const status = document.getElementById("conv-status");
    const source = new EventSource(`/console/c/${box.dataset.conversation}/events?after=${box.dataset.after}`);
    source.addEventListener("open", () => { document.body.dataset.live = "true"; });
    source.addEventListener("turn", (event) => {
      const turn = JSON.parse(event.data);
      if (transcript.querySelector(`li[data-seq='${turn.seq}']`)) return;
      transcript.append(turnItem(turn));
      if (turn.role === "customer") live.textContent = `The customer wrote: ${turn.text}`;
    });
    source.addEventListener("status", (event) => {
      const data = JSON.parse(event.data);
      status.textContent = data.status;
      live.textContent = `Status changed to ${data.status}${data.assignee ? `, held by ${data.assignee}` : ""}. Reload for the actions.`;
    });
    const reply = document.getElementById("reply");
    if (reply) {
      reply.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          reply.form.requestSubmit();
        }
      });
      reply.focus();
    }
  }

  if (page === "inbox" && window.EventSource) followInbox();
  if (page === "conversation" && window.EventSource) followConversation();
})();
