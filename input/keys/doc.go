// Package keys decodes the bytes a terminal sends into key, paste, focus and
// reply events.
//
// It understands ASCII and UTF-8, control keys, ESC-prefixed Alt keys, CSI and
// SS3 sequences with xterm modifiers (and the cheap rxvt and Linux console
// variants), the kitty keyboard protocol (CSI u), bracketed paste, focus
// reports, and the replies to terminal queries (DA1, DA2, CPR, DECRPM, kitty
// flags, DSR, window reports, OSC, DCS, APC), which are routed as KindReply,
// never as keys. Bytes it does not understand become KindUnknown events: every
// input byte ends up in exactly one event's Raw, in order.
//
// # Use
//
// The input consumer feeds each chunk, drains Next, and resolves pending bytes
// when the decoder's deadline passes first:
//
//	for {
//		c, err := reader.Next(dec.Deadline())
//		if errors.Is(err, input.ErrDeadline) {
//			dec.Expire(input.Now())
//		} else if err != nil {
//			return err
//		} else {
//			dec.Feed(c.Data, c.Time, c.Drained)
//		}
//		for dec.Next(&ev) {
//			handle(ev)
//		}
//		if err == nil {
//			reader.Release() // the decoder copied what it still needs
//		}
//	}
//
// # Chunks, time and the lone ESC
//
// The decoder is fed captured chunks (bytes + capture time + "drained": the
// kernel had nothing more queued). Each event carries the capture time of the
// chunk that completed it. A sequence split across chunks is kept (copied) and
// completed by the next chunk. An ESC byte is ambiguous: it is the Esc key, or
// the start of a sequence, or the Alt prefix of the next key. The decoder
// resolves it as soon as it can tell:
//
//   - ESC followed by more bytes in the same chunk is a prefix (ESC x = Alt+x,
//     ESC [ ... = CSI and so on).
//   - A chunk that ends in a lone ESC (or in ESC ESC, ESC [, ESC O, ESC ], ESC P,
//     ESC _) with drained set is resolved at once: Esc (Alt+Esc, Alt+'[', ...).
//     Terminals write a key's sequence with one write, so nothing else is coming.
//   - Otherwise the bytes stay pending; Deadline says when (chunk time +
//     EscDelay, 10 ms by default) and Expire resolves them: a lone ESC becomes
//     Esc, ESC + introducer becomes Alt+introducer (the rest is decoded again),
//     a partial CSI/SS3 becomes KindUnknown, a partial UTF-8 sequence U+FFFD.
//   - Under the kitty keyboard protocol (SetKitty(true)) the Esc key arrives as
//     CSI 27 u and is delivered with no delay at all. A raw ESC byte is then
//     always the start of a sequence, so a chunk ending in ESC waits for the
//     rest (bounded by the same deadline) instead of guessing from "drained".
//
// # UTF-8
//
// Invalid UTF-8 becomes Rune U+FFFD, one event per maximal invalid subpart
// (the Unicode / WHATWG "maximal subpart" practice): a truncated but otherwise
// valid prefix such as E2 82 followed by 'A' is one U+FFFD event (Raw E2 82),
// then 'A'; every byte that cannot start or continue a sequence (80..BF alone,
// C0, C1, F5..FF) is one U+FFFD event by itself. A sequence split across chunks
// is completed, not replaced.
//
// # Control keys
//
// 0x0D is Enter, 0x09 Tab, 0x7F and 0x08 Backspace (0x08 is also what Ctrl+H
// and, in xterm, Ctrl+Backspace send: they cannot be told apart), 0x1B Esc.
// Other C0 bytes are Ctrl+letter as KeyRune with ModCtrl and the lower-case
// letter: 0x03 is Rune 'c' + ModCtrl (ev.IsRune('c', ModCtrl)), 0x1A is Ctrl+'z',
// 0x0A is Ctrl+'j', 0x00 is Ctrl+Space, 0x1C..0x1F are Ctrl+'\\', ']', '^', '_'.
// The kitty protocol reports Ctrl+C the same way (CSI 99;5u), so one test works
// everywhere.
//
// Mouse reports are not decoded (roshambo does not enable mouse reporting):
// they arrive as KindUnknown.
//
// # Cursor position reports and F3
//
// CSI 1;5R is both Ctrl+F3 (xterm) and a cursor position report for row 1,
// column 5. The decoder treats CSI row;col R as a reply (ReplyCPR) when the
// application announced, with ExpectCPR, that it asked for one (each reply
// consumes one expectation, as does any CSI ? row;col R), or when row is not 1 (no F3 key has that form),
// or under the kitty protocol (which sends F3 as CSI 13~). Otherwise it is F3
// with the modifiers. CSI ? row;col R (DECXCPR) is always a reply.
//
// # Bounds
//
// A CSI sequence that reaches MaxSequence (64) bytes without its final byte
// becomes KindUnknown holding those first 64 bytes, and decoding resumes after
// them; an SS3 sequence is bounded at 16 bytes the same way. OSC, DCS and APC
// strings are bounded by MaxString the same way. A bracketed paste is bounded by
// Options.MaxPaste (64 MiB by default): a longer paste is delivered in pieces,
// each a KindPaste event with More set except the last, so nothing is lost and
// memory stays bounded. A paste whose end marker never comes is delivered when
// it has seen no byte for Options.PasteTimeout (Deadline / Expire), and the
// decoder leaves paste mode, so keys are never swallowed for ever.
//
// # Concurrency
//
// A Decoder is not safe for concurrent use: one goroutine (the input consumer)
// calls all of its methods. Steady-state decoding allocates nothing.
package keys
