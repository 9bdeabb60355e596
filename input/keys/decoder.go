package keys

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultEscDelay is how long an ambiguous ESC waits for the rest of a sequence
// when the chunk did not settle it (see the package doc).
const DefaultEscDelay = 10 * time.Millisecond

// NoEscDelay as Options.EscDelay resolves pending bytes as soon as Expire is
// called (ROSHAMBO_ESCDELAY=0).
const NoEscDelay time.Duration = -1

// DefaultMaxPaste is the default bound on one KindPaste event's text.
const DefaultMaxPaste = 64 << 20

// DefaultPasteTimeout is how long an unterminated paste waits for more bytes.
const DefaultPasteTimeout = time.Second

// MaxSequence bounds a CSI sequence (bytes, including ESC [ and the final
// byte); SS3 sequences are bounded at 16 bytes.
const MaxSequence = 64

// MaxString bounds an OSC, DCS or APC string (bytes, including the introducer and terminator).
const MaxString = 64 << 10

// minMaxPaste keeps paste pieces able to make progress past a split end marker.
const minMaxPaste = 16

// keepPasteCap is the largest paste buffer kept for reuse after a paste ends.
const keepPasteCap = 8 << 20

// EnvEscDelay is the environment variable read by EscDelayFromEnv.
const EnvEscDelay = "ROSHAMBO_ESCDELAY"

// ErrBadEscDelay is returned by ParseEscDelay (and wrapped by
// EscDelayFromEnv) for a malformed or out-of-range value.
var ErrBadEscDelay = errors.New("must be a whole number of milliseconds from 0 to 1000")

// MaxEscDelay is the longest escape delay accepted (as ncurses' ESCDELAY,
// it is given in whole milliseconds).
const MaxEscDelay = time.Second

// ParseEscDelay parses an escape delay given in whole milliseconds, 0 to
// 1000, like ncurses' ESCDELAY: the one rule for ROSHAMBO_ESCDELAY and the
// programs' --escdelay flags. The result is ready for Options.EscDelay: 0 ms
// is returned as NoEscDelay (resolve at once). The error is ErrBadEscDelay.
func ParseEscDelay(s string) (time.Duration, error) {
	ms, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || ms < 0 || ms > int(MaxEscDelay/time.Millisecond) {
		return 0, ErrBadEscDelay
	}
	if ms == 0 {
		return NoEscDelay, nil
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// EscDelayFlag is a flag.Value for an --escdelay MS flag, with
// ParseEscDelay's rule. Its zero value is unset: Delay then returns 0, which
// Options.EscDelay (and input.ConsoleOptions) read as "the default"
// (ROSHAMBO_ESCDELAY, else DefaultEscDelay).
type EscDelayFlag struct {
	d   time.Duration
	set bool
}

// Set parses the flag's value.
func (f *EscDelayFlag) Set(s string) error {
	d, err := ParseEscDelay(s)
	if err != nil {
		return err
	}
	f.d, f.set = d, true
	return nil
}

// String returns the value in milliseconds, or "" when unset (so that a
// usage text shows no made-up default).
func (f *EscDelayFlag) String() string {
	switch {
	case f == nil || !f.set:
		return ""
	case f.d == NoEscDelay:
		return "0"
	}
	return strconv.Itoa(int(f.d / time.Millisecond))
}

// Delay returns the delay for Options.EscDelay: 0 when the flag was not
// given, NoEscDelay for 0 ms.
func (f *EscDelayFlag) Delay() time.Duration { return f.d }

// EscDelayUsage is the help text of an --escdelay flag (an EscDelayFlag),
// in the flag package's form: `MS` names the value.
var EscDelayUsage = "`MS` (0 to " + strconv.Itoa(int(MaxEscDelay/time.Millisecond)) +
	") before a lone ESC counts as the Esc key; 0: no wait\n(default: $" + EnvEscDelay + ", else " +
	strconv.Itoa(int(DefaultEscDelay/time.Millisecond)) + ")"

// EscDelayFromEnv reads ROSHAMBO_ESCDELAY with ParseEscDelay's rule. It
// returns the delay (ready for Options.EscDelay: 0 ms is returned as
// NoEscDelay), whether the variable was set (and not empty), and an error
// wrapping ErrBadEscDelay for any other value.
func EscDelayFromEnv() (time.Duration, bool, error) {
	s, ok := os.LookupEnv(EnvEscDelay)
	if !ok || s == "" {
		return 0, false, nil
	}
	d, err := ParseEscDelay(s)
	if err != nil {
		return 0, true, fmt.Errorf("%s=%q: %w", EnvEscDelay, s, err)
	}
	return d, true, nil
}

// Options configure a Decoder. The zero value gives the defaults.
type Options struct {
	// EscDelay is the fallback for an ambiguous ESC or a partial sequence:
	// 0 = DefaultEscDelay, NoEscDelay (or any negative value) = none.
	EscDelay time.Duration
	// MaxPaste bounds one KindPaste event's text in bytes: 0 = DefaultMaxPaste;
	// values below 16 are raised to 16.
	MaxPaste int
	// PasteTimeout is how long an unterminated paste waits for more bytes:
	// 0 = DefaultPasteTimeout.
	PasteTimeout time.Duration
}

var (
	pasteStart = []byte("\x1b[200~")
	pasteEnd   = []byte("\x1b[201~")
)

// mode says how to treat a sequence that is truncated at the end of the input.
type mode uint8

const (
	modeWait mode = iota // incomplete: wait for more bytes
	modeSoft             // end of a drained chunk: resolve ESC and ESC + introducer
	modeHard             // deadline passed: resolve everything
)

// Decoder turns captured chunks into events. See the package doc for the
// rules. Use one Decoder per input stream, from one goroutine.
type Decoder struct {
	escDelay     int64
	pasteTimeout int64
	maxPaste     int
	kitty        bool
	expectCPR    int

	// current chunk
	data    []byte
	pos     int
	t       int64
	drained bool
	force   bool // Expire passed the deadline: resolve what is pending

	// pending bytes (an incomplete sequence, copied): pend[pendOff:]
	pend     []byte
	pendOff  int
	pendTime int64

	// bracketed paste in progress
	pasting   bool
	pasteBuf  []byte // raw bytes of the current piece (starting with the start marker if pasteHdr > 0)
	pasteHdr  int
	pasteCut  int // bytes of pasteBuf delivered by the last event, dropped at the next call
	pasteTime int64

	text [64]byte // kitty associated text, UTF-8
}

// NewDecoder returns a Decoder with the given options.
func NewDecoder(opts Options) *Decoder {
	d := &Decoder{
		escDelay:     int64(opts.EscDelay),
		pasteTimeout: int64(opts.PasteTimeout),
		maxPaste:     opts.MaxPaste,
		pend:         make([]byte, 0, 256),
	}
	switch {
	case opts.EscDelay == 0:
		d.escDelay = int64(DefaultEscDelay)
	case opts.EscDelay < 0:
		d.escDelay = 0
	}
	if d.pasteTimeout <= 0 {
		d.pasteTimeout = int64(DefaultPasteTimeout)
	}
	if d.maxPaste == 0 {
		d.maxPaste = DefaultMaxPaste
	}
	if d.maxPaste < minMaxPaste {
		d.maxPaste = minMaxPaste
	}
	return d
}

// SetKitty tells the decoder whether the kitty keyboard protocol is active (the
// terminal confirmed it): the Esc key then arrives as CSI 27 u, a raw ESC byte
// always starts a sequence, and CSI row;col R is always a cursor position report.
func (d *Decoder) SetKitty(on bool) { d.kitty = on }

// ExpectCPR announces that the application asked for a cursor position report
// (wrote CSI 6 n): the next CSI row;col R is decoded as ReplyCPR even when it
// also reads as a modified F3 (CSI 1;mR). Each call covers one reply.
func (d *Decoder) ExpectCPR() { d.expectCPR++ }

// Feed hands the decoder one captured chunk: data (which must stay valid until
// Next returns false; the decoder copies only an incomplete tail), its capture
// time t (mono ns) and drained (the kernel had no more bytes queued). Call Next
// until it returns false before the next Feed; bytes of an earlier chunk that
// were not decoded yet are kept and decoded first.
func (d *Decoder) Feed(data []byte, t int64, drained bool) {
	d.settle()
	if d.pos < len(d.data) {
		d.pend = append(d.pend, d.data[d.pos:]...)
		d.pendTime = d.t
	}
	d.data, d.pos, d.t, d.drained, d.force = data, 0, t, drained, false
}

// Deadline returns when (mono ns) the pending bytes must be resolved with
// Expire: the capture time of the last chunk plus EscDelay for an incomplete
// sequence, plus PasteTimeout for an unterminated paste; 0 when nothing is pending.
func (d *Decoder) Deadline() int64 {
	if d.pasting {
		return d.pasteTime + d.pasteTimeout
	}
	if d.pendOff < len(d.pend) {
		return d.pendTime + d.escDelay
	}
	return 0
}

// Expire resolves the pending bytes if now (mono ns) >= Deadline(): call Next
// afterwards to receive the resulting events (a lone ESC becomes Esc, a partial
// sequence Unknown, an unterminated paste a KindPaste event; see the package
// doc). It does nothing before the deadline.
func (d *Decoder) Expire(now int64) {
	d.settle()
	if dl := d.Deadline(); dl != 0 && now >= dl {
		d.force = true
	}
}

// settle drops what the previous call's event still aliased.
func (d *Decoder) settle() {
	if d.pendOff > 0 {
		n := copy(d.pend, d.pend[d.pendOff:])
		d.pend = d.pend[:n]
		d.pendOff = 0
	}
	if d.pasteCut > 0 {
		n := copy(d.pasteBuf, d.pasteBuf[d.pasteCut:])
		d.pasteBuf = d.pasteBuf[:n]
		d.pasteCut = 0
	}
}

// endMode is how to treat a sequence truncated at the end of the current chunk.
func (d *Decoder) endMode() mode {
	switch {
	case d.force:
		return modeHard
	case d.drained && !d.kitty:
		return modeSoft
	}
	return modeWait
}

// Next decodes the next complete event into *ev and reports whether there was
// one. It returns false when the fed bytes are used up; an incomplete sequence
// at the end is kept until the next Feed or until Expire.
func (d *Decoder) Next(ev *Event) bool {
	d.settle()
	if d.pasting {
		return d.nextPaste(ev)
	}
	if d.pendOff < len(d.pend) {
		return d.nextPend(ev)
	}
	if d.pos >= len(d.data) {
		return false
	}
	b := d.data[d.pos:]
	n := d.scan(b, ev, d.endMode())
	if n == 0 {
		d.pend = append(d.pend[:0], b...)
		d.pendTime = d.t
		d.pos = len(d.data)
		return false
	}
	start := d.pos
	d.pos += n
	ev.Raw = b[:n]
	ev.Time = d.t
	if ev.Kind == kindPasteStart {
		return d.beginPaste(ev, start, true)
	}
	return true
}

// nextPend decodes an event that starts in the pending bytes, completing them
// with bytes of the current chunk.
func (d *Decoder) nextPend(ev *Event) bool {
	old := len(d.pend)
	rest := d.data[d.pos:]
	k := min(len(rest), 2*MaxSequence)
	for {
		d.pend = append(d.pend[:old], rest[:k]...)
		m := modeWait
		if k == len(rest) {
			m = d.endMode()
		}
		n := d.scan(d.pend, ev, m)
		if n == 0 {
			if k < len(rest) {
				k = min(len(rest), 2*k)
				continue
			}
			d.pos += k
			if k > 0 {
				d.pendTime = d.t
			}
			return false
		}
		ev.Raw = d.pend[:n]
		if n > old {
			d.pos += n - old
			ev.Time = d.t
			d.pend = d.pend[:0]
		} else {
			ev.Time = d.pendTime
			d.pend = d.pend[:old]
			d.pendOff = n
			if n == old {
				d.pend, d.pendOff = d.pend[:0], 0
			}
		}
		if ev.Kind == kindPasteStart {
			return d.beginPaste(ev, 0, false)
		}
		return true
	}
}

// beginPaste starts a bracketed paste whose start marker is ev.Raw (at
// data[start:] when fromData).
func (d *Decoder) beginPaste(ev *Event, start int, fromData bool) bool {
	d.pasting = true
	d.pasteTime = ev.Time
	if fromData && d.pendOff >= len(d.pend) {
		// Fast path: the whole paste is in this chunk; alias it, copy nothing.
		rest := d.data[d.pos:]
		if i := bytes.Index(rest, pasteEnd); i >= 0 && i <= d.maxPaste {
			end := d.pos + i + len(pasteEnd)
			*ev = Event{Kind: KindPaste, Time: d.t, Raw: d.data[start:end], Text: rest[:i]}
			d.pos = end
			d.pasting = false
			return true
		}
	}
	d.pasteBuf = append(d.pasteBuf[:0], pasteStart...)
	d.pasteHdr = len(pasteStart)
	return d.nextPaste(ev)
}

// src returns the bytes to decode next: the pending bytes, else the chunk's rest.
func (d *Decoder) src() ([]byte, bool) {
	if d.pendOff < len(d.pend) {
		return d.pend[d.pendOff:], true
	}
	return d.data[d.pos:], false
}

func (d *Decoder) consume(n int, fromPend bool) {
	if !fromPend {
		d.pos += n
		return
	}
	d.pendOff += n
	if d.pendOff >= len(d.pend) {
		d.pend, d.pendOff = d.pend[:0], 0
	}
}

// nextPaste continues a bracketed paste: it copies bytes into pasteBuf until
// the end marker, the size bound, or the end of the input.
func (d *Decoder) nextPaste(ev *Event) bool {
	for {
		src, fromPend := d.src()
		if len(src) == 0 {
			if !d.force {
				return false
			}
			// Unterminated paste, stalled past PasteTimeout: deliver it and leave paste mode.
			d.emitPaste(ev, len(d.pasteBuf), len(d.pasteBuf), false)
			d.pasting = false
			return true
		}
		if fromPend {
			d.pasteTime = d.pendTime
		} else {
			d.pasteTime = d.t
		}
		old := len(d.pasteBuf)
		room := max(d.maxPaste-(old-d.pasteHdr), 0)
		w, found := min(len(src), room+len(pasteEnd)), false
		// An end marker that began in the bytes already buffered comes first,
		// then one inside src (each byte is searched once).
		if k := straddle(d.pasteBuf[d.pasteHdr:], src); k > 0 {
			w, found = k, true
		} else if i := bytes.Index(src[:w], pasteEnd); i >= 0 {
			w, found = i+len(pasteEnd), true
		}
		d.pasteBuf = append(d.pasteBuf, src[:w]...)
		d.consume(w, fromPend)
		if found {
			e := len(d.pasteBuf)
			d.emitPaste(ev, e-len(pasteEnd), e, false)
			d.pasting = false
			return true
		}
		if len(d.pasteBuf)-d.pasteHdr < d.maxPaste {
			continue
		}
		// Too long for one event: deliver a piece, keeping back a possible
		// start of the end marker so that it is still recognised.
		c := min(d.pasteHdr+d.maxPaste, len(d.pasteBuf)-markerPrefix(d.pasteBuf[d.pasteHdr:]))
		d.emitPaste(ev, c, c, true)
		d.pasteHdr = 0
		return true
	}
}

// emitPaste delivers pasteBuf[:rawEnd] as a KindPaste event whose text ends at textEnd.
func (d *Decoder) emitPaste(ev *Event, textEnd, rawEnd int, more bool) {
	*ev = Event{
		Kind: KindPaste,
		Time: d.pasteTime,
		Raw:  d.pasteBuf[:rawEnd],
		Text: d.pasteBuf[d.pasteHdr:textEnd],
		More: more,
	}
	d.pasteCut = rawEnd
	if !more && cap(d.pasteBuf) > keepPasteCap {
		// Do not pin a huge buffer after a huge paste; the event still aliases it.
		d.pasteBuf, d.pasteCut = nil, 0
	}
}

// straddle returns how many bytes of src complete an end marker begun at the
// end of buf, or 0.
func straddle(buf, src []byte) int {
	for j := min(len(pasteEnd)-1, len(buf)); j > 0; j-- {
		if bytes.HasSuffix(buf, pasteEnd[:j]) {
			if rest := pasteEnd[j:]; bytes.HasPrefix(src, rest) {
				return len(rest)
			}
			return 0 // the marker has no self-overlap: no shorter suffix can match
		}
	}
	return 0
}

// markerPrefix returns the length of the longest suffix of b that is a proper
// prefix of the paste end marker.
func markerPrefix(b []byte) int {
	for j := min(len(pasteEnd)-1, len(b)); j > 0; j-- {
		if bytes.Equal(b[len(b)-j:], pasteEnd[:j]) {
			return j
		}
	}
	return 0
}
