// The Shopkeeper web chat: plain JavaScript, no build step. Talks to /api/conversations, reads replies as
// server-sent events, shows citations as links and proposals with Confirm / Cancel buttons. Once a person
// is involved it also follows the conversation (GET .../events) and shows the staff's messages as they come.
(() => {
  "use strict";
  const base = new URL(".", location.href);
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const sendButton = document.getElementById("send");
  const statusLine = document.getElementById("status");
  const KEY = "shopkeeper.conversation";
  const GREETING = "Hello, I'm the store assistant. How can I help you?";
  let conversation = null;
  let busy = false;
  let following = null; // the EventSource of staff messages, once the conversation was handed off
  // Storage may be denied (a third-party iframe under strict privacy settings): then nothing persists.
  const store = {
    get() { try { return sessionStorage.getItem(KEY); } catch (_) { return null; } },
    set(value) { try { sessionStorage.setItem(KEY, value); } catch (_) { /* not persisted */ } },
  };

  if (new URLSearchParams(location.search).has("embed")) {
    document.body.classList.add("embed");
    // Escape inside the widget's frame closes the widget (the page that embeds it listens).
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && window.parent !== window) window.parent.postMessage("shopkeeper:close", "*");
    });
  }

  const url = (path) => new URL(path.replace(/^\//, ""), base).toString();
  const requestId = () =>
    (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function bubble(role, text) {
    const item = element("li", `msg ${role}`);
    item.append(element("span", "visually-hidden", { customer: "You said: ", staff: "Support team: " }[role] || "Assistant: "));
    const body = element("div", "body", text || "");
    item.append(body);
    log.append(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function setBusy(value, message) {
    busy = value;
    sendButton.disabled = value;
    statusLine.textContent = message || "";
  }

  // Render one event of a turn into the assistant's bubble (created on the first event).
  function renderer() {
    let item = null;
    const ensure = () => item || (item = bubble("assistant", ""));
    return (event) => {
      if (event.type === "text") {
        ensure().querySelector(".body").textContent += event.text;
      } else if (event.type === "citation") {
        const target = ensure();
        let list = target.querySelector(".citations");
        if (!list) {
          list = element("ul", "citations");
          list.setAttribute("aria-label", "Sources");
          target.append(list);
        }
        const link = element("a", "", `Source: ${event.document} › ${event.section}`);
        link.href = url(event.anchor || "");
        link.target = "_blank";
        link.rel = "noopener";
        const li = element("li");
        li.append(link);
        list.append(li);
      } else if (event.type === "proposal") {
        ensure().append(proposal(event));
      } else if (event.type === "question" && event.options && event.options.length && event.slot !== "confirm") {
        const box = element("div", "options");
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", "Suggested answers");
        for (const option of event.options) {
          const button = element("button", "", option);
          button.type = "button";
          button.addEventListener("click", () => { disableAll(box); send(option); });
          box.append(button);
        }
        ensure().append(box);
      } else if (event.type === "action") {
        ensure().append(element("p", `result ${event.ok ? "ok" : "refused"}`, event.ok ? "✓ Done" : "Not done"));
      } else if (event.type === "handoff") {
        bubble("notice", "A member of our support team will take over this conversation.");
        follow();
      }
    };
  }

  function disableAll(container) {
    for (const b of container.querySelectorAll("button")) b.disabled = true;
  }

  function proposal(event) {
    const box = element("div", "proposal");
    const id = `proposal-${Math.random().toString(16).slice(2)}`;
    box.setAttribute("role", "group");
    box.setAttribute("aria-labelledby", id);
    box.append(element("p", "", "Proposed change:"));
    const summary = element("p", "summary", event.summary);
    summary.id = id;
    box.append(summary);
    const row = element("div", "actions");
    const confirm = element("button", "confirm", "Confirm");
    confirm.type = "button";
    confirm.setAttribute("aria-describedby", id);
    const cancel = element("button", "cancel", "Cancel");
    cancel.type = "button";
    cancel.setAttribute("aria-describedby", id);
    confirm.addEventListener("click", () => { disableAll(box); send("yes"); });
    cancel.addEventListener("click", () => { disableAll(box); send("no"); });
    row.append(confirm, cancel);
    box.append(row);
    return box;
  }

  async function problem(response) {
    try {
      const body = await response.json();
      return (body.error && body.error.message) || `Error ${response.status}`;
    } catch (_) {
      return `Error ${response.status}`;
    }
  }

  async function send(text) {
    text = text.trim();
    if (!text || busy) return;
    if (!conversation) await start();
    bubble("customer", text);
    setBusy(true, "The assistant is typing…");
    const render = renderer();
    try {
      const response = await fetch(url(`api/conversations/${conversation}/messages`), {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ text, request_id: requestId() }),
      });
      if (!response.ok) {
        bubble("notice", await problem(response));
        return;
      }
      await readEvents(response, (name, data) => {
        if (name === "error") bubble("notice", data.message);
        else render(data);
      });
    } catch (_) {
      bubble("notice", "The connection failed; please try again.");
    } finally {
      setBusy(false);
      input.focus();
    }
  }

  // Parse a text/event-stream body: blocks separated by a blank line, "event:" and "data:" fields.
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let name = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) name = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
        }
        if (data.length) onEvent(name, JSON.parse(data.join("\n")));
      }
      if (done) return;
    }
  }

  const STATUS_NOTES = {
    staff: "A member of our support team has joined the conversation.",
    open: "You're back with the store assistant.",
    closed: "The support team closed this conversation. Write again any time.",
  };

  // Staff messages and status changes, pushed by the server while a person is involved.
  async function follow(after) {
    if (following || !conversation || !window.EventSource) return;
    following = true;
    const id = conversation;
    if (after === undefined) { // from the last turn stored, so nothing sent meanwhile is missed
      const response = await fetch(url(`api/conversations/${id}`));
      const turns = response.ok ? (await response.json()).turns : [];
      after = turns.reduce((most, turn) => Math.max(most, turn.seq), 0);
      if (following !== true || conversation !== id) return; // a new conversation started meanwhile
    }
    following = new EventSource(url(`api/conversations/${id}/events?after=${after}`));
    let status = null;
    following.addEventListener("staff", (event) => bubble("staff", JSON.parse(event.data).text));
    following.addEventListener("status", (event) => {
      const next = JSON.parse(event.data).status;
      if (status !== null && next !== status && STATUS_NOTES[next]) bubble("notice", STATUS_NOTES[next]);
      status = next;
    });
  }

  async function start(fresh) {
    log.textContent = "";
    if (following && following.close) following.close();
    following = null;
    conversation = fresh ? null : store.get();
    if (conversation) {
      const response = await fetch(url(`api/conversations/${conversation}`));
      if (response.ok) {
        bubble("assistant", GREETING);
        const transcript = await response.json();
        for (const turn of transcript.turns) {
          if (turn.role === "customer" || turn.role === "staff") bubble(turn.role, turn.text);
          else if (turn.events.length) turn.events.forEach(renderer());
          else if (turn.text) bubble("assistant", turn.text);
        }
        for (const old of log.querySelectorAll(".proposal, .options")) {
          if (old.closest("li") !== log.lastElementChild) disableAll(old);
        }
        if (["handoff", "staff"].includes(transcript.status)) {
          follow(transcript.turns.reduce((most, turn) => Math.max(most, turn.seq), 0));
        }
        return;
      }
    }
    const response = await fetch(url("api/conversations"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ channel: "web" }),
    });
    if (!response.ok) {
      bubble("notice", await problem(response));
      return;
    }
    conversation = (await response.json()).id;
    store.set(conversation);
    bubble("assistant", GREETING);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  document.getElementById("restart").addEventListener("click", () => start(true).then(() => input.focus()));
  start(false).then(() => { document.body.dataset.ready = "true"; input.focus(); });
})();
