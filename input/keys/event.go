package keys

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind says what an Event is.
type Kind uint8

const (
	// KindNone is the zero Kind; Next never returns it.
	KindNone Kind = iota
	// KindKey is a key press, repeat or release (see Event.Key, Rune, Mod, Action).
	KindKey
	// KindPaste is a bracketed paste: Text holds the pasted bytes, Raw includes the
	// CSI 200~ / CSI 201~ markers.
	KindPaste
	// KindFocus is a focus change (CSI I = in, CSI O = out); see Event.Focus.
	KindFocus
	// KindReply is a reply to a terminal query (see Event.Reply); never a key.
	KindReply
	// KindUnknown carries bytes the decoder does not understand (Raw), so that
	// nothing is dropped silently.
	KindUnknown
)

var kindNames = [...]string{"None", "Key", "Paste", "Focus", "Reply", "Unknown"}

// String returns the name of k.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Key identifies a key. Printable characters, and Ctrl+letter, are KeyRune with
// Event.Rune set (Ctrl-C is KeyRune, Rune 'c', ModCtrl: test it with
// ev.IsRune('c', ModCtrl)). Every other key has its own constant.
type Key uint8

// The keys. Keypad keys are reported as the ordinary key or rune they stand for
// (KP 0 is Rune '0', KP Enter is KeyEnter, KP Left is KeyLeft) with Event.Keypad set.
const (
	KeyNone Key = iota // not a key event
	KeyRune            // a character: Event.Rune
	KeyEnter
	KeyTab
	KeyBackspace
	KeyEsc
	KeyUp
	KeyDown
	KeyRight
	KeyLeft
	KeyHome
	KeyEnd
	KeyBegin // keypad 5 without Num Lock (CSI E, SS3 E)
	KeyInsert
	KeyDelete
	KeyPgUp
	KeyPgDn
	KeyF1
	KeyF2
	KeyF3
	KeyF4
	KeyF5
	KeyF6
	KeyF7
	KeyF8
	KeyF9
	KeyF10
	KeyF11
	KeyF12
	KeyF13
	KeyF14
	KeyF15
	KeyF16
	KeyF17
	KeyF18
	KeyF19
	KeyF20
	KeyF21
	KeyF22
	KeyF23
	KeyF24
	KeyF25
	KeyF26
	KeyF27
	KeyF28
	KeyF29
	KeyF30
	KeyF31
	KeyF32
	KeyF33
	KeyF34
	KeyF35
	KeyCapsLock // kitty protocol only, like every key below
	KeyScrollLock
	KeyNumLock
	KeyPrintScreen
	KeyPause
	KeyMenu
	KeyMediaPlay
	KeyMediaPause
	KeyMediaPlayPause
	KeyMediaReverse
	KeyMediaStop
	KeyMediaFastForward
	KeyMediaRewind
	KeyMediaTrackNext
	KeyMediaTrackPrevious
	KeyMediaRecord
	KeyLowerVolume
	KeyRaiseVolume
	KeyMuteVolume
	KeyLeftShift
	KeyLeftCtrl
	KeyLeftAlt
	KeyLeftSuper
	KeyLeftHyper
	KeyLeftMeta
	KeyRightShift
	KeyRightCtrl
	KeyRightAlt
	KeyRightSuper
	KeyRightHyper
	KeyRightMeta
	KeyIsoLevel3Shift
	KeyIsoLevel5Shift
	keyCount
)

var keyNames = [keyCount]string{
	KeyNone: "None", KeyRune: "Rune", KeyEnter: "Enter", KeyTab: "Tab", KeyBackspace: "Backspace",
	KeyEsc: "Esc", KeyUp: "Up", KeyDown: "Down", KeyRight: "Right", KeyLeft: "Left",
	KeyHome: "Home", KeyEnd: "End", KeyBegin: "Begin", KeyInsert: "Insert", KeyDelete: "Delete",
	KeyPgUp: "PgUp", KeyPgDn: "PgDn",
	KeyCapsLock: "CapsLock", KeyScrollLock: "ScrollLock", KeyNumLock: "NumLock",
	KeyPrintScreen: "PrintScreen", KeyPause: "Pause", KeyMenu: "Menu",
	KeyMediaPlay: "MediaPlay", KeyMediaPause: "MediaPause", KeyMediaPlayPause: "MediaPlayPause",
	KeyMediaReverse: "MediaReverse", KeyMediaStop: "MediaStop", KeyMediaFastForward: "MediaFastForward",
	KeyMediaRewind: "MediaRewind", KeyMediaTrackNext: "MediaTrackNext",
	KeyMediaTrackPrevious: "MediaTrackPrevious", KeyMediaRecord: "MediaRecord",
	KeyLowerVolume: "LowerVolume", KeyRaiseVolume: "RaiseVolume", KeyMuteVolume: "MuteVolume",
	KeyLeftShift: "LeftShift", KeyLeftCtrl: "LeftCtrl", KeyLeftAlt: "LeftAlt", KeyLeftSuper: "LeftSuper",
	KeyLeftHyper: "LeftHyper", KeyLeftMeta: "LeftMeta", KeyRightShift: "RightShift",
	KeyRightCtrl: "RightCtrl", KeyRightAlt: "RightAlt", KeyRightSuper: "RightSuper",
	KeyRightHyper: "RightHyper", KeyRightMeta: "RightMeta",
	KeyIsoLevel3Shift: "IsoLevel3Shift", KeyIsoLevel5Shift: "IsoLevel5Shift",
}

// String returns the key's name ("Up", "F5", "Rune").
func (k Key) String() string {
	if k >= KeyF1 && k <= KeyF35 {
		return "F" + strconv.Itoa(int(k-KeyF1)+1)
	}
	if k < keyCount {
		return keyNames[k]
	}
	return "Key(" + strconv.Itoa(int(k)) + ")"
}

// Mod is a set of modifiers. The bits are those of the xterm / kitty modifier
// parameter minus one (the parameter m encodes 1 + Mod).
type Mod uint8

// The modifier bits.
const (
	ModShift Mod = 1 << iota
	ModAlt
	ModCtrl
	ModSuper
	ModHyper
	ModMeta
	ModCapsLock // lock state, kitty protocol only; ignored by Event.Is and Event.IsRune
	ModNumLock  // lock state, kitty protocol only; ignored by Event.Is and Event.IsRune

	// ModLocks is the set of lock states.
	ModLocks = ModCapsLock | ModNumLock
)

var modNames = [...]string{"Shift", "Alt", "Ctrl", "Super", "Hyper", "Meta", "CapsLock", "NumLock"}

// String returns the modifiers joined by "+" in the order Ctrl, Alt, Shift,
// Super, Hyper, Meta, CapsLock, NumLock ("" for none).
func (m Mod) String() string {
	var b strings.Builder
	for _, bit := range [...]Mod{ModCtrl, ModAlt, ModShift, ModSuper, ModHyper, ModMeta, ModCapsLock, ModNumLock} {
		if m&bit == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('+')
		}
		for i := range modNames {
			if bit == 1<<i {
				b.WriteString(modNames[i])
			}
		}
	}
	return b.String()
}

// Action is what happened to a key. Legacy encodings only report presses; the
// kitty protocol (with its "report event types" flag) also reports repeats and releases.
type Action uint8

// The actions. The zero value is a press.
const (
	ActionPress Action = iota
	ActionRepeat
	ActionRelease
)

// String returns "press", "repeat" or "release".
func (a Action) String() string {
	switch a {
	case ActionPress:
		return "press"
	case ActionRepeat:
		return "repeat"
	case ActionRelease:
		return "release"
	}
	return "Action(" + strconv.Itoa(int(a)) + ")"
}

// ReplyKind says which terminal reply a KindReply event is.
type ReplyKind uint8

// The replies. Params holds the numeric parameters named in each comment.
const (
	ReplyNone       ReplyKind = iota
	ReplyDA1                  // CSI ? Ps ; ... c   (primary device attributes; Params = first 4 attributes)
	ReplyDA2                  // CSI > Pp ; Pv ; Pc c (secondary device attributes)
	ReplyCPR                  // CSI row ; col R (cursor position; see Decoder.ExpectCPR), or CSI ? row ; col R
	ReplyDECRPM               // CSI ? mode ; value $ y, or CSI mode ; value $ y (ANSI modes)
	ReplyKittyFlags           // CSI ? flags u (kitty keyboard protocol flags)
	ReplyDSR                  // CSI ? ... n or CSI Ps n (device status, e.g. CSI 0 n, CSI ? 997 ; 1 n)
	ReplyWindow               // CSI Ps ; ... t (window ops, e.g. text area size CSI 8 ; rows ; cols t)
	ReplyOSC                  // ESC ] ... BEL or ESC ] ... ESC \ (Params[0] = the OSC number when numeric, else -1)
	ReplyDCS                  // ESC P ... ESC \ (DECRQSS, XTVERSION, XTGETTCAP, DA3)
	ReplyAPC                  // ESC _ ... ESC \ (e.g. kitty graphics replies)
)

var replyNames = [...]string{"None", "DA1", "DA2", "CPR", "DECRPM", "KittyFlags", "DSR", "Window", "OSC", "DCS", "APC"}

// String returns the reply's name ("DA1", "CPR", ...).
func (r ReplyKind) String() string {
	if int(r) < len(replyNames) {
		return replyNames[r]
	}
	return "Reply(" + strconv.Itoa(int(r)) + ")"
}

// MaxParams is the number of numeric reply parameters kept in Event.Params.
const MaxParams = 4

// Event is one decoded input event. Raw and Text alias memory owned by the
// decoder or by the chunk passed to Feed: they are valid until the next call
// to Feed, Next or Expire. Copy them to keep them.
type Event struct {
	// Kind says which of the fields below are meaningful.
	Kind Kind
	// Key, Rune, Mod, Action, Keypad: KindKey only.
	Key    Key
	Rune   rune // KeyRune: the character; U+FFFD for invalid UTF-8
	Mod    Mod
	Action Action
	Keypad bool // the key is on the numeric keypad (SS3 keypad sequences, kitty KP_* codes)
	// Shifted and Base are the kitty protocol's alternate key codes
	// (CSI code:shifted:base u), 0 when not reported.
	Shifted, Base rune
	// Focus is the focus state of a KindFocus event: true = focus in.
	Focus bool
	// Reply names the reply of a KindReply event; Params holds its first
	// NParams numeric parameters (see ReplyKind). Raw holds the whole reply.
	Reply   ReplyKind
	NParams int
	Params  [MaxParams]int
	// More is set on a KindPaste event when the paste continues in the next
	// KindPaste event: it was longer than Options.MaxPaste, so it was split.
	// The last piece has More unset (if the paste stalled right after a
	// piece, that last event may have empty Text and Raw).
	More bool
	// Time is the capture time (mono ns) of the chunk that completed the event
	// (for an event resolved by Expire: of the chunk that delivered its last byte).
	Time int64
	// Raw is exactly the bytes this event consumed. Every input byte is in
	// exactly one event's Raw, in order.
	Raw []byte
	// Text is the pasted text of a KindPaste event (without the markers), or
	// the text a kitty key event reports with the "report associated text"
	// flag (CSI code ; mods ; text u), UTF-8 encoded.
	Text []byte
}

// Is reports whether e is a press or repeat of key k with exactly the
// modifiers m, ignoring Caps Lock and Num Lock. For KeyRune use IsRune.
func (e Event) Is(k Key, m Mod) bool {
	return e.Kind == KindKey && e.Action != ActionRelease && e.Key == k && e.Mod&^ModLocks == m&^ModLocks
}

// IsRune reports whether e is a press or repeat of the character r with exactly
// the modifiers m, ignoring Caps Lock and Num Lock. Ctrl-C is IsRune('c', ModCtrl)
// in every encoding (byte 0x03, kitty CSI 99;5u, xterm modifyOtherKeys
// CSI 27;5;99~). Note that ESC 0x03 (Alt+Ctrl+C) is IsRune('c', ModCtrl|ModAlt).
func (e Event) IsRune(r rune, m Mod) bool {
	return e.Is(KeyRune, m) && e.Rune == r
}

// String returns a readable form for the key viewer: "Rune 'é'", "Ctrl+'c'",
// "Ctrl+Alt+Up", "Shift+F5 (release)", "Paste(12 bytes)", "FocusIn",
// "Reply CPR CSI 12;40R", "Unknown ESC [ 9 9 9 x" style.
func (e Event) String() string {
	switch e.Kind {
	case KindKey:
		var b strings.Builder
		if ms := e.Mod.String(); ms != "" {
			b.WriteString(ms)
			b.WriteByte('+')
		}
		if e.Keypad {
			b.WriteString("KP ")
		}
		if e.Key == KeyRune {
			if e.Mod == 0 && !e.Keypad {
				b.WriteString("Rune ")
			}
			switch e.Rune {
			case ' ':
				b.WriteString("Space")
			default:
				b.WriteString(strconv.QuoteRune(e.Rune))
			}
		} else {
			b.WriteString(e.Key.String())
		}
		if e.Shifted != 0 || e.Base != 0 {
			fmt.Fprintf(&b, " [shifted %q base %q]", e.Shifted, e.Base)
		}
		if len(e.Text) > 0 {
			fmt.Fprintf(&b, " text %q", e.Text)
		}
		if e.Action != ActionPress {
			b.WriteString(" (" + e.Action.String() + ")")
		}
		return b.String()
	case KindPaste:
		s := "Paste(" + strconv.Itoa(len(e.Text)) + " bytes)"
		if e.More {
			s += " more follows"
		}
		return s
	case KindFocus:
		if e.Focus {
			return "FocusIn"
		}
		return "FocusOut"
	case KindReply:
		return "Reply " + e.Reply.String() + " " + Quote(e.Raw)
	case KindUnknown:
		return "Unknown " + Quote(e.Raw)
	}
	return "None"
}

// Quote renders terminal bytes readably: ESC [ as "CSI ", ESC O as "SS3 ",
// ESC ] as "OSC ", ESC P as "DCS ", ESC _ as "APC ", ESC \ as " ST", a lone ESC
// as "ESC ", other control bytes as ^X (0x7F as ^?), invalid UTF-8 as \xNN.
func Quote(raw []byte) string {
	var b strings.Builder
	for i := 0; i < len(raw); {
		c := raw[i]
		if c == 0x1b && i+1 < len(raw) {
			intro := ""
			switch raw[i+1] {
			case '[':
				intro = "CSI "
			case 'O':
				intro = "SS3 "
			case ']':
				intro = "OSC "
			case 'P':
				intro = "DCS "
			case '_':
				intro = "APC "
			case '\\':
				intro = " ST"
			}
			if intro != "" {
				b.WriteString(intro)
				i += 2
				continue
			}
		}
		switch {
		case c == 0x1b:
			b.WriteString("ESC ")
			i++
		case c == 0x07:
			b.WriteString(" BEL")
			i++
		case c < 0x20:
			b.WriteByte('^')
			b.WriteByte(c + 0x40)
			i++
		case c == 0x7f:
			b.WriteString("^?")
			i++
		case c < 0x80:
			b.WriteByte(c)
			i++
		default:
			r, n := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && n == 1 {
				fmt.Fprintf(&b, `\x%02x`, c)
			} else {
				b.WriteString(string(raw[i : i+n]))
			}
			i += n
		}
	}
	return b.String()
}
