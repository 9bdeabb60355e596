package keys

import (
	"unicode/utf8"
)

// kindPasteStart is the internal result of scanning CSI 200~; Next never returns it.
const kindPasteStart Kind = 255

// maxSS3 bounds an SS3 sequence (ESC O, optional modifier digits, final byte).
const maxSS3 = 16

// scan decodes one event at the start of b (len(b) > 0) into *ev and returns
// the number of bytes it consumed, or 0 when b is an incomplete prefix that
// mode m does not resolve. In modeHard it never returns 0.
func (d *Decoder) scan(b []byte, ev *Event, m mode) int {
	*ev = Event{}
	c := b[0]
	switch {
	case c == 0x1b:
		return d.scanEsc(b, ev, m)
	case c < 0x80:
		asciiKey(c, ev)
		return 1
	}
	return scanUTF8(b, ev, m)
}

func setKey(ev *Event, k Key, r rune, mod Mod) {
	ev.Kind, ev.Key, ev.Rune, ev.Mod = KindKey, k, r, mod
}

// asciiKey decodes one ASCII byte, control bytes included.
func asciiKey(c byte, ev *Event) {
	switch {
	case c == 0x0d:
		setKey(ev, KeyEnter, 0, 0)
	case c == 0x09:
		setKey(ev, KeyTab, 0, 0)
	case c == 0x7f || c == 0x08:
		setKey(ev, KeyBackspace, 0, 0)
	case c == 0x1b:
		setKey(ev, KeyEsc, 0, 0)
	case c == 0x00:
		setKey(ev, KeyRune, ' ', ModCtrl)
	case c >= 0x1c && c <= 0x1f:
		setKey(ev, KeyRune, rune(`\]^_`[c-0x1c]), ModCtrl)
	case c < 0x20:
		setKey(ev, KeyRune, rune('a'+c-1), ModCtrl)
	default:
		setKey(ev, KeyRune, rune(c), 0)
	}
}

// scanUTF8 decodes one UTF-8 sequence (b[0] >= 0x80).
func scanUTF8(b []byte, ev *Event, m mode) int {
	if !utf8.FullRune(b) {
		// A valid but incomplete prefix: wait for the rest.
		if m != modeHard {
			return 0
		}
		setKey(ev, KeyRune, utf8.RuneError, 0)
		return len(b)
	}
	r, n := utf8.DecodeRune(b)
	if r == utf8.RuneError && n == 1 {
		n = invalidLen(b)
	}
	setKey(ev, KeyRune, r, 0)
	return n
}

// invalidLen returns the length of the maximal invalid subpart at the start of
// b, which utf8.DecodeRune found invalid: a lead byte followed by the valid
// continuation bytes that fit it, or 1 for a byte that cannot start a sequence.
func invalidLen(b []byte) int {
	c := b[0]
	need := 0
	lo, hi := byte(0x80), byte(0xbf)
	switch {
	case c >= 0xc2 && c <= 0xdf:
		need = 1
	case c == 0xe0:
		need, lo = 2, 0xa0
	case c == 0xed:
		need, hi = 2, 0x9f
	case c >= 0xe1 && c <= 0xef:
		need = 2
	case c == 0xf0:
		need, lo = 3, 0x90
	case c == 0xf4:
		need, hi = 3, 0x8f
	case c >= 0xf1 && c <= 0xf3:
		need = 3
	default:
		return 1
	}
	n := 1
	for n <= need && n < len(b) && b[n] >= lo && b[n] <= hi {
		lo, hi = 0x80, 0xbf
		n++
	}
	return n
}

// unknown makes ev a KindUnknown event of n bytes and returns n.
func unknown(ev *Event, n int) int {
	*ev = Event{Kind: KindUnknown}
	return n
}

// alt makes ev Alt + the byte b (an ESC-prefixed key) and returns 2.
func alt(ev *Event, c byte) int {
	*ev = Event{}
	asciiKey(c, ev)
	ev.Mod |= ModAlt
	return 2
}

// scanEsc decodes a sequence starting with ESC.
func (d *Decoder) scanEsc(b []byte, ev *Event, m mode) int {
	if len(b) == 1 {
		if m == modeWait {
			return 0
		}
		setKey(ev, KeyEsc, 0, 0)
		return 1
	}
	switch b[1] {
	case '[':
		return d.scanCSI(b, ev, m)
	case 'O':
		return d.scanSS3(b, ev, m)
	case ']', 'P', '_':
		return scanString(b, ev, m)
	case 0x1b:
		return d.scanEscEsc(b, ev, m)
	}
	// ESC + key = Alt + key.
	var n int
	if b[1] < 0x80 {
		asciiKey(b[1], ev)
		n = 1
	} else if n = scanUTF8(b[1:], ev, m); n == 0 {
		return 0
	}
	ev.Mod |= ModAlt
	return n + 1
}

// scanEscEsc decodes ESC ESC ...: Alt + the key of an ESC [ / ESC O sequence
// (rxvt's Alt+arrows), else Alt+Esc.
func (d *Decoder) scanEscEsc(b []byte, ev *Event, m mode) int {
	if len(b) == 2 {
		if m == modeWait {
			return 0
		}
		return alt(ev, 0x1b)
	}
	if b[2] != '[' && b[2] != 'O' {
		return alt(ev, 0x1b)
	}
	var n int
	cpr := d.expectCPR // restored if the inner sequence is not used here
	if b[2] == '[' {
		n = d.scanCSI(b[1:], ev, m)
	} else {
		n = d.scanSS3(b[1:], ev, m)
	}
	if n == 0 || ev.Kind != KindKey {
		d.expectCPR = cpr
	}
	if n == 0 {
		return 0
	}
	if ev.Kind != KindKey {
		// ESC before a reply, paste or unknown sequence: a lone Esc.
		*ev = Event{}
		setKey(ev, KeyEsc, 0, 0)
		return 1
	}
	ev.Mod |= ModAlt
	return n + 1
}

// scanString decodes an OSC (ESC ]), DCS (ESC P) or APC (ESC _) string, a
// terminal reply terminated by ST (ESC \) or, for OSC, BEL. A control byte
// inside, or an ESC not followed by \, means it was no reply but Alt+']' (or
// Alt+'P', Alt+'_') followed by other keys.
func scanString(b []byte, ev *Event, m mode) int {
	intro := b[1]
	if len(b) == 2 {
		if m == modeWait {
			return 0
		}
		return alt(ev, intro)
	}
	for i := 2; ; i++ {
		if i >= MaxString {
			return unknown(ev, MaxString)
		}
		if i >= len(b) || (b[i] == 0x1b && i+1 >= len(b)) {
			if m == modeHard {
				return alt(ev, intro)
			}
			return 0
		}
		c := b[i]
		n := 0
		switch {
		case c == 0x07 && intro == ']':
			n = i + 1
		case c == 0x1b && b[i+1] == '\\':
			n = i + 2
		case c < 0x20 || c == 0x7f:
			return alt(ev, intro)
		default:
			continue
		}
		*ev = Event{Kind: KindReply}
		switch intro {
		case ']':
			ev.Reply = ReplyOSC
			ev.NParams = 1
			ev.Params[0] = -1
			v, j := 0, 2
			for ; j < i && j < 12 && b[j] >= '0' && b[j] <= '9'; j++ {
				v = v*10 + int(b[j]-'0')
			}
			if j > 2 {
				ev.Params[0] = v
			}
		case 'P':
			ev.Reply = ReplyDCS
		default:
			ev.Reply = ReplyAPC
		}
		return n
	}
}

// params holds the numeric parameters of a CSI sequence: fields separated by
// ';', sub-parameters by ':'. Missing values read as the caller's default.
type params struct {
	n    int
	ns   [maxFields]uint8
	v    [maxFields][maxSub]int32
	off2 int // byte offset of field 2 (the kitty text field) in the parameter bytes, -1 if none
}

const (
	maxFields = 8
	maxSub    = 4
	maxValue  = 1 << 24
)

func (p *params) parse(s []byte) {
	p.n, p.off2 = 0, -1
	if len(s) == 0 {
		return
	}
	fi, si, val := 0, 0, int32(-1)
	store := func() {
		if fi < maxFields && si < maxSub {
			p.v[fi][si] = val
			p.ns[fi] = uint8(si + 1)
		}
	}
	p.ns[0] = 0
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			if val < 0 {
				val = 0
			}
			if val < maxValue {
				val = val*10 + int32(c-'0')
			}
		case c == ':':
			store()
			si++
			val = -1
		case c == ';':
			store()
			fi++
			si, val = 0, -1
			if fi < maxFields {
				p.ns[fi] = 0
			}
			if fi == 2 {
				p.off2 = i + 1
			}
		}
	}
	store()
	p.n = min(fi+1, maxFields)
}

// get returns sub-parameter si of field fi, or def when it is missing or empty.
func (p *params) get(fi, si int, def int) int {
	if fi < p.n && si < int(p.ns[fi]) && p.v[fi][si] >= 0 {
		return int(p.v[fi][si])
	}
	return def
}

// mods decodes the xterm / kitty modifier field fi ("m[:event]") into ev.
func (p *params) mods(fi int, ev *Event) {
	m := p.get(fi, 0, 1)
	if m > 1 {
		ev.Mod |= Mod(m - 1)
	}
	switch p.get(fi, 1, 1) {
	case 2:
		ev.Action = ActionRepeat
	case 3:
		ev.Action = ActionRelease
	}
}

// scanCSI decodes ESC [ ... final.
func (d *Decoder) scanCSI(b []byte, ev *Event, m mode) int {
	if len(b) == 2 {
		if m == modeWait {
			return 0
		}
		return alt(ev, '[')
	}
	i := 2
	var priv, inter byte
	if c := b[2]; c >= '<' && c <= '?' {
		priv, i = c, 3
	}
	pstart := i
	digitsOnly, sawDigit := true, false
	for ; ; i++ {
		if i >= MaxSequence {
			return unknown(ev, MaxSequence)
		}
		if i >= len(b) {
			if m == modeHard {
				return unknown(ev, len(b))
			}
			return 0
		}
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			if inter != 0 {
				return unknown(ev, i+1) // parameter after intermediate: malformed
			}
			sawDigit = true
			continue
		case c >= 0x30 && c <= 0x3f:
			if inter != 0 {
				return unknown(ev, i+1)
			}
			digitsOnly = false
			continue
		case c >= 0x20 && c <= 0x2f:
			if c == '$' && priv == 0 && inter == 0 && digitsOnly && sawDigit {
				// rxvt: CSI n $ is Shift + the CSI n ~ key.
				return d.csiTilde(b, ev, pstart, i, ModShift)
			}
			if inter == 0 {
				inter = c
			}
			continue
		case c >= 0x40 && c <= 0x7e:
			return d.csiFinal(b, ev, m, priv, inter, pstart, i)
		}
		// A byte that cannot be in a CSI sequence.
		if i == 2 {
			return alt(ev, '[')
		}
		return unknown(ev, i)
	}
}

// csiFinal dispatches a complete CSI sequence b[:fi+1]; parameters are b[ps:...].
func (d *Decoder) csiFinal(b []byte, ev *Event, m mode, priv, inter byte, ps, fi int) int {
	final := b[fi]
	n := fi + 1
	pend := fi
	if inter != 0 {
		pend = ps
		for pend < fi && b[pend] >= 0x30 && b[pend] <= 0x3f {
			pend++
		}
	}
	var p params
	p.parse(b[ps:pend])
	switch {
	case priv == 0 && inter == 0:
		return d.csiKey(b, ev, m, &p, ps, fi)
	case priv == '?' && inter == 0:
		switch final {
		case 'c':
			return reply(ev, ReplyDA1, &p, n)
		case 'u':
			return reply(ev, ReplyKittyFlags, &p, n)
		case 'R':
			if d.expectCPR > 0 {
				d.expectCPR--
			}
			return reply(ev, ReplyCPR, &p, n)
		case 'n':
			return reply(ev, ReplyDSR, &p, n)
		}
	case priv == '>' && inter == 0 && final == 'c':
		return reply(ev, ReplyDA2, &p, n)
	case (priv == '?' || priv == 0) && inter == '$' && final == 'y':
		return reply(ev, ReplyDECRPM, &p, n)
	}
	return unknown(ev, n)
}

// reply makes ev a KindReply of kind r with p's first parameters.
func reply(ev *Event, r ReplyKind, p *params, n int) int {
	*ev = Event{Kind: KindReply, Reply: r, NParams: min(p.n, MaxParams)}
	for i := 0; i < ev.NParams; i++ {
		ev.Params[i] = p.get(i, 0, 0)
	}
	return n
}

// csiKey decodes a CSI sequence without private marker or intermediate bytes.
func (d *Decoder) csiKey(b []byte, ev *Event, m mode, p *params, ps, fi int) int {
	n := fi + 1
	final := b[fi]
	switch final {
	case 'A', 'B', 'C', 'D', 'H', 'F', 'E', 'P', 'Q', 'S':
		setKey(ev, letterKeys[final-'A'], 0, 0)
		p.mods(1, ev)
		return n
	case 'R':
		if p.n == 2 && (d.expectCPR > 0 || d.kitty || p.get(0, 0, 1) != 1) {
			if d.expectCPR > 0 {
				d.expectCPR--
			}
			return reply(ev, ReplyCPR, p, n)
		}
		if p.n > 2 || p.get(0, 0, 1) != 1 {
			return unknown(ev, n)
		}
		setKey(ev, KeyF3, 0, 0)
		p.mods(1, ev)
		return n
	case 'Z':
		setKey(ev, KeyTab, 0, ModShift)
		p.mods(1, ev)
		return n
	case 'I', 'O':
		if p.n != 0 {
			return unknown(ev, n)
		}
		*ev = Event{Kind: KindFocus, Focus: final == 'I'}
		return n
	case '~':
		switch code := p.get(0, 0, -1); {
		case code == 200 && p.n == 1:
			*ev = Event{Kind: kindPasteStart}
			return n
		case code == 27 && p.n >= 3:
			// xterm modifyOtherKeys: CSI 27 ; m ; code ~
			if !codeKey(p.get(2, 0, -1), ev) {
				return unknown(ev, n)
			}
			p.mods(1, ev)
			return n
		}
		return d.csiTilde(b, ev, ps, fi, 0)
	case '^':
		return d.csiTilde(b, ev, ps, fi, ModCtrl)
	case '@':
		return d.csiTilde(b, ev, ps, fi, ModCtrl|ModShift)
	case 'u':
		return d.kittyKey(b, ev, p, ps, fi)
	case 'a', 'b', 'c', 'd':
		if p.n != 0 {
			return unknown(ev, n)
		}
		// rxvt: Shift + arrow.
		setKey(ev, [...]Key{KeyUp, KeyDown, KeyRight, KeyLeft}[final-'a'], 0, ModShift)
		return n
	case '[':
		// Linux console: CSI [ A .. CSI [ E are F1..F5.
		if p.n != 0 {
			return unknown(ev, n)
		}
		if n >= len(b) {
			if m == modeHard {
				return unknown(ev, n)
			}
			return 0
		}
		if c := b[n]; c >= 'A' && c <= 'E' {
			setKey(ev, KeyF1+Key(c-'A'), 0, 0)
			return n + 1
		}
		return unknown(ev, n)
	case 'n':
		return reply(ev, ReplyDSR, p, n)
	case 't':
		return reply(ev, ReplyWindow, p, n)
	}
	return unknown(ev, n)
}

// letterKeys maps CSI / SS3 final letters A..S to keys.
var letterKeys = [...]Key{
	'A' - 'A': KeyUp, 'B' - 'A': KeyDown, 'C' - 'A': KeyRight, 'D' - 'A': KeyLeft,
	'E' - 'A': KeyBegin, 'F' - 'A': KeyEnd, 'H' - 'A': KeyHome,
	'P' - 'A': KeyF1, 'Q' - 'A': KeyF2, 'R' - 'A': KeyF3, 'S' - 'A': KeyF4,
}

// tildeKeys maps the number of CSI n ~ (xterm, vt220, rxvt) to keys.
var tildeKeys = [...]Key{
	1: KeyHome, 2: KeyInsert, 3: KeyDelete, 4: KeyEnd, 5: KeyPgUp, 6: KeyPgDn, 7: KeyHome, 8: KeyEnd,
	11: KeyF1, 12: KeyF2, 13: KeyF3, 14: KeyF4, 15: KeyF5, 17: KeyF6, 18: KeyF7, 19: KeyF8,
	20: KeyF9, 21: KeyF10, 23: KeyF11, 24: KeyF12, 25: KeyF13, 26: KeyF14, 28: KeyF15, 29: KeyF16,
	31: KeyF17, 32: KeyF18, 33: KeyF19, 34: KeyF20,
}

// csiTilde decodes CSI n [; m] ~ (and rxvt's $ ^ @ finals, with extra modifiers).
func (d *Decoder) csiTilde(b []byte, ev *Event, ps, fi int, extra Mod) int {
	n := fi + 1
	var p params
	p.parse(b[ps:fi])
	code := p.get(0, 0, -1)
	switch {
	case code >= 0 && code < len(tildeKeys) && tildeKeys[code] != KeyNone:
		setKey(ev, tildeKeys[code], 0, 0)
	case code >= kittyFirst && extra == 0:
		if !codeKey(code, ev) {
			return unknown(ev, n)
		}
	default:
		return unknown(ev, n)
	}
	if extra == 0 {
		p.mods(1, ev)
	}
	ev.Mod |= extra
	return n
}

// kittyKey decodes CSI code[:shifted[:base]] [; mods[:event] [; text]] u.
func (d *Decoder) kittyKey(b []byte, ev *Event, p *params, ps, fi int) int {
	n := fi + 1
	if !codeKey(p.get(0, 0, -1), ev) {
		return unknown(ev, n)
	}
	if r := p.get(0, 1, 0); r > 0 && utf8.ValidRune(rune(r)) {
		ev.Shifted = rune(r)
	}
	if r := p.get(0, 2, 0); r > 0 && utf8.ValidRune(rune(r)) {
		ev.Base = rune(r)
	}
	p.mods(1, ev)
	if p.off2 >= 0 {
		// Associated text: code points separated by ':'.
		t, v, have := 0, 0, false
		flush := func() {
			if have && v > 0 && utf8.ValidRune(rune(v)) && t+utf8.UTFMax <= len(d.text) {
				t += utf8.EncodeRune(d.text[t:], rune(v))
			}
			v, have = 0, false
		}
		for _, c := range b[ps+p.off2 : fi] {
			switch {
			case c >= '0' && c <= '9':
				if v < maxValue {
					v = v*10 + int(c-'0')
				}
				have = true
			case c == ':':
				flush()
			default:
				flush()
			}
			if c == ';' {
				break
			}
		}
		flush()
		if t > 0 {
			ev.Text = d.text[:t]
		}
	}
	return n
}

// kittyFirst is the first kitty functional key code in the private use area.
const kittyFirst = 57344

// kittyKeys maps kitty functional key codes from 57358 on.
type kittyEntry struct {
	key    Key
	r      rune
	keypad bool
}

const kittyTableStart = 57358

var kittyKeys = [...]kittyEntry{
	57358 - kittyTableStart: {key: KeyCapsLock},
	57359 - kittyTableStart: {key: KeyScrollLock},
	57360 - kittyTableStart: {key: KeyNumLock},
	57361 - kittyTableStart: {key: KeyPrintScreen},
	57362 - kittyTableStart: {key: KeyPause},
	57363 - kittyTableStart: {key: KeyMenu},
	57376 - kittyTableStart: {key: KeyF13}, 57377 - kittyTableStart: {key: KeyF14},
	57378 - kittyTableStart: {key: KeyF15}, 57379 - kittyTableStart: {key: KeyF16},
	57380 - kittyTableStart: {key: KeyF17}, 57381 - kittyTableStart: {key: KeyF18},
	57382 - kittyTableStart: {key: KeyF19}, 57383 - kittyTableStart: {key: KeyF20},
	57384 - kittyTableStart: {key: KeyF21}, 57385 - kittyTableStart: {key: KeyF22},
	57386 - kittyTableStart: {key: KeyF23}, 57387 - kittyTableStart: {key: KeyF24},
	57388 - kittyTableStart: {key: KeyF25}, 57389 - kittyTableStart: {key: KeyF26},
	57390 - kittyTableStart: {key: KeyF27}, 57391 - kittyTableStart: {key: KeyF28},
	57392 - kittyTableStart: {key: KeyF29}, 57393 - kittyTableStart: {key: KeyF30},
	57394 - kittyTableStart: {key: KeyF31}, 57395 - kittyTableStart: {key: KeyF32},
	57396 - kittyTableStart: {key: KeyF33}, 57397 - kittyTableStart: {key: KeyF34},
	57398 - kittyTableStart: {key: KeyF35},
	57399 - kittyTableStart: {KeyRune, '0', true}, 57400 - kittyTableStart: {KeyRune, '1', true},
	57401 - kittyTableStart: {KeyRune, '2', true}, 57402 - kittyTableStart: {KeyRune, '3', true},
	57403 - kittyTableStart: {KeyRune, '4', true}, 57404 - kittyTableStart: {KeyRune, '5', true},
	57405 - kittyTableStart: {KeyRune, '6', true}, 57406 - kittyTableStart: {KeyRune, '7', true},
	57407 - kittyTableStart: {KeyRune, '8', true}, 57408 - kittyTableStart: {KeyRune, '9', true},
	57409 - kittyTableStart: {KeyRune, '.', true}, 57410 - kittyTableStart: {KeyRune, '/', true},
	57411 - kittyTableStart: {KeyRune, '*', true}, 57412 - kittyTableStart: {KeyRune, '-', true},
	57413 - kittyTableStart: {KeyRune, '+', true}, 57414 - kittyTableStart: {KeyEnter, 0, true},
	57415 - kittyTableStart: {KeyRune, '=', true}, 57416 - kittyTableStart: {KeyRune, ',', true},
	57417 - kittyTableStart: {KeyLeft, 0, true}, 57418 - kittyTableStart: {KeyRight, 0, true},
	57419 - kittyTableStart: {KeyUp, 0, true}, 57420 - kittyTableStart: {KeyDown, 0, true},
	57421 - kittyTableStart: {KeyPgUp, 0, true}, 57422 - kittyTableStart: {KeyPgDn, 0, true},
	57423 - kittyTableStart: {KeyHome, 0, true}, 57424 - kittyTableStart: {KeyEnd, 0, true},
	57425 - kittyTableStart: {KeyInsert, 0, true}, 57426 - kittyTableStart: {KeyDelete, 0, true},
	57427 - kittyTableStart: {KeyBegin, 0, true},
	57428 - kittyTableStart: {key: KeyMediaPlay}, 57429 - kittyTableStart: {key: KeyMediaPause},
	57430 - kittyTableStart: {key: KeyMediaPlayPause}, 57431 - kittyTableStart: {key: KeyMediaReverse},
	57432 - kittyTableStart: {key: KeyMediaStop}, 57433 - kittyTableStart: {key: KeyMediaFastForward},
	57434 - kittyTableStart: {key: KeyMediaRewind}, 57435 - kittyTableStart: {key: KeyMediaTrackNext},
	57436 - kittyTableStart: {key: KeyMediaTrackPrevious}, 57437 - kittyTableStart: {key: KeyMediaRecord},
	57438 - kittyTableStart: {key: KeyLowerVolume}, 57439 - kittyTableStart: {key: KeyRaiseVolume},
	57440 - kittyTableStart: {key: KeyMuteVolume},
	57441 - kittyTableStart: {key: KeyLeftShift}, 57442 - kittyTableStart: {key: KeyLeftCtrl},
	57443 - kittyTableStart: {key: KeyLeftAlt}, 57444 - kittyTableStart: {key: KeyLeftSuper},
	57445 - kittyTableStart: {key: KeyLeftHyper}, 57446 - kittyTableStart: {key: KeyLeftMeta},
	57447 - kittyTableStart: {key: KeyRightShift}, 57448 - kittyTableStart: {key: KeyRightCtrl},
	57449 - kittyTableStart: {key: KeyRightAlt}, 57450 - kittyTableStart: {key: KeyRightSuper},
	57451 - kittyTableStart: {key: KeyRightHyper}, 57452 - kittyTableStart: {key: KeyRightMeta},
	57453 - kittyTableStart: {key: KeyIsoLevel3Shift}, 57454 - kittyTableStart: {key: KeyIsoLevel5Shift},
}

// codeKey sets ev to the key with the kitty / modifyOtherKeys key code code
// and reports whether code names a key.
func codeKey(code int, ev *Event) bool {
	switch {
	case code == 27:
		setKey(ev, KeyEsc, 0, 0)
	case code == 13:
		setKey(ev, KeyEnter, 0, 0)
	case code == 9:
		setKey(ev, KeyTab, 0, 0)
	case code == 127 || code == 8:
		setKey(ev, KeyBackspace, 0, 0)
	case code >= kittyTableStart && code < kittyTableStart+len(kittyKeys):
		e := kittyKeys[code-kittyTableStart]
		if e.key == KeyNone {
			return false
		}
		setKey(ev, e.key, e.r, 0)
		ev.Keypad = e.keypad
	case code >= kittyFirst && code < kittyTableStart:
		return false
	case code >= 0x20 && code != 0x7f && utf8.ValidRune(rune(code)) && (code < 0x80 || code >= 0xa0):
		setKey(ev, KeyRune, rune(code), 0)
	default:
		return false
	}
	return true
}

// ss3Keys maps SS3 final bytes to keys (keypad application mode included).
var ss3Keys = [128]kittyEntry{
	'A': {key: KeyUp}, 'B': {key: KeyDown}, 'C': {key: KeyRight}, 'D': {key: KeyLeft},
	'E': {key: KeyBegin}, 'F': {key: KeyEnd}, 'H': {key: KeyHome},
	'P': {key: KeyF1}, 'Q': {key: KeyF2}, 'R': {key: KeyF3}, 'S': {key: KeyF4},
	'M': {KeyEnter, 0, true}, 'X': {KeyRune, '=', true},
	'j': {KeyRune, '*', true}, 'k': {KeyRune, '+', true}, 'l': {KeyRune, ',', true},
	'm': {KeyRune, '-', true}, 'n': {KeyRune, '.', true}, 'o': {KeyRune, '/', true},
	'p': {KeyRune, '0', true}, 'q': {KeyRune, '1', true}, 'r': {KeyRune, '2', true},
	's': {KeyRune, '3', true}, 't': {KeyRune, '4', true}, 'u': {KeyRune, '5', true},
	'v': {KeyRune, '6', true}, 'w': {KeyRune, '7', true}, 'x': {KeyRune, '8', true},
	'y': {KeyRune, '9', true},
}

// scanSS3 decodes ESC O [modifier digits] final.
func (d *Decoder) scanSS3(b []byte, ev *Event, m mode) int {
	if len(b) == 2 {
		if m == modeWait {
			return 0
		}
		return alt(ev, 'O')
	}
	for i := 2; ; i++ {
		if i >= maxSS3 {
			return unknown(ev, maxSS3)
		}
		if i >= len(b) {
			if m == modeHard {
				return unknown(ev, len(b))
			}
			return 0
		}
		c := b[i]
		if (c >= '0' && c <= '9') || c == ';' {
			continue
		}
		if c < 0x40 || c > 0x7e {
			if i == 2 {
				return alt(ev, 'O')
			}
			return unknown(ev, i)
		}
		n := i + 1
		if c >= 'a' && c <= 'd' {
			// rxvt: Ctrl + arrow.
			setKey(ev, [...]Key{KeyUp, KeyDown, KeyRight, KeyLeft}[c-'a'], 0, ModCtrl)
			return n
		}
		e := ss3Keys[c]
		if e.key == KeyNone {
			return unknown(ev, n)
		}
		setKey(ev, e.key, e.r, 0)
		ev.Keypad = e.keypad
		if i > 2 {
			var p params
			p.parse(b[2:i])
			p.mods(p.n-1, ev)
		}
		return n
	}
}
