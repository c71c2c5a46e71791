// The misbehaviour of a hostile IUT (harness/test/hostile/README.md), shared by the stdio
// program (iut.mjs) and the browser page (page-bundle.mjs). No Node or DOM APIs: it sits
// between the transport and an honest shim (adapters/js/shim.mjs), both ways, as text.
//
// The IUT is honest (hello, replies, events) until the trigger: the first command that calls
// a method named "send" on an object (`task.send` in ws.send.success-errmsg). There it does
// what its mode says, once per instance.

export const MODES = ["crash", "garbage", "huge-line", "flood", "unknown-id", "ghost-handle", "silent", "mistyped"];

export const HUGE_BYTES = 100 * 1024 * 1024; // one message of 100 MiB
export const FLOOD_EVENTS = 1_000_000;

const isTrigger = (m) =>
  m && m.type === "command" && m.command && m.command.op === "call" && m.command.this && m.command.fn === "send";

/**
 * mode:      one of MODES
 * write:     (text) => void   one raw protocol message on the transport (a line / a frame)
 * writeMany: (texts) => void  many, as fast as the transport takes them (the flood)
 * say:       (text) => void   the IUT's own output (stderr / console.error and a log message)
 * crash:     () => void       die now, mid-command
 * Returns {fromHarness(text) -> bool (false: swallowed), toHarness(text)}.
 */
export function createHostile({ mode, write, writeMany, say, crash }) {
  if (!MODES.includes(mode)) throw new Error(`hostile: unknown mode ${mode} (one of ${MODES.join(", ")})`);
  let fired = false;

  function fromHarness(text) {
    let m;
    try {
      m = typeof text === "string" ? JSON.parse(text) : text;
    } catch {
      return true;
    }
    if (fired || !isTrigger(m)) return true;
    fired = true;
    const id = m.id;
    switch (mode) {
      case "crash":
        say(`hostile IUT: crashing in the middle of command ${id} (mode crash)`);
        crash();
        return false;
      case "garbage":
        say(`hostile IUT: printing garbage before the reply to command ${id} (mode garbage)`);
        write("hostile garbage: this is not JSON {{{");
        return true;
      case "huge-line":
        say(`hostile IUT: sending a ${HUGE_BYTES}-byte message before the reply to command ${id} (mode huge-line)`);
        write(`{"type":"log","text":"${"x".repeat(HUGE_BYTES)}"}`);
        return true;
      case "flood": {
        say(`hostile IUT: flooding ${FLOOD_EVENTS} events before the reply to command ${id} (mode flood)`);
        const texts = [];
        for (let i = 0; i < FLOOD_EVENTS; i++)
          texts.push(`{"type":"event","op":"invoke","fn":"flood","args":[${i}],"sync":false}`);
        writeMany(texts);
        return true;
      }
      case "unknown-id":
        say(`hostile IUT: replying to command ${id + 1000}, never sent (mode unknown-id)`);
        write(JSON.stringify({ type: "reply", id: id + 1000, ok: true, value: null }));
        return true;
      case "ghost-handle":
        // As an adapter whose table lost the object: the handle it handed back earlier
        // names nothing now, and the call on it fails.
        say(`hostile IUT: command ${id} names a handle this IUT no longer has (mode ghost-handle)`);
        m.command.this = { $handle: "ghost-404" };
        return m;
      case "mistyped":
        // Well-formed JSON whose members have the wrong types: an event whose op is a number.
        say(`hostile IUT: sending an event with members of the wrong types before the reply to command ${id} (mode mistyped)`);
        write(JSON.stringify({ type: "event", op: 5, fn: 7, args: "x", sync: "yes" }));
        return true;
      case "silent":
        say(`hostile IUT: never answering command ${id} (mode silent)`);
        return false;
    }
    return true;
  }

  return { fromHarness, toHarness: (text) => write(text) };
}
