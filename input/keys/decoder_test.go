package keys

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

type tcase struct {
	name string
	in   string
	want []string
}

func runTable(t *testing.T, opts Options, setup func(*Decoder), cases []tcase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(opts)
			if setup != nil {
				setup(d)
			}
			evs := decode(t, d, one(tc.in)...)
			if got := strs(evs); !slices.Equal(got, tc.want) {
				t.Errorf("decode(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			for _, e := range evs {
				if e.Time != 100 {
					t.Errorf("%v: Time = %d, want the chunk's 100", e, e.Time)
				}
			}
		})
	}
}

func TestASCIIAndControlKeys(t *testing.T) {
	runTable(t, Options{}, nil, []tcase{
		{"letters", "aZ9~", []string{"Rune 'a'", "Rune 'Z'", "Rune '9'", "Rune '~'"}},
		{"space", " ", []string{"Rune Space"}},
		{"enter", "\r", []string{"Enter"}},
		{"tab", "\t", []string{"Tab"}},
		{"backspace 7f", "\x7f", []string{"Backspace"}},
		{"backspace 08", "\x08", []string{"Backspace"}},
		{"ctrl-c ctrl-z", "\x03\x1a", []string{"Ctrl+'c'", "Ctrl+'z'"}},
		{"ctrl-a ctrl-j", "\x01\x0a", []string{"Ctrl+'a'", "Ctrl+'j'"}},
		{"ctrl-space", "\x00", []string{"Ctrl+Space"}},
		{"ctrl-backslash etc", "\x1c\x1d\x1e\x1f", []string{`Ctrl+'\\'`, "Ctrl+']'", "Ctrl+'^'", "Ctrl+'_'"}},
		{"alt-x", "\x1bx", []string{"Alt+'x'"}},
		{"alt-X", "\x1bX", []string{"Alt+'X'"}},
		{"alt-ctrl-c", "\x1b\x03", []string{"Ctrl+Alt+'c'"}},
		{"alt-enter", "\x1b\r", []string{"Alt+Enter"}},
		{"alt-backspace", "\x1b\x7f", []string{"Alt+Backspace"}},
		{"alt-rune", "\x1bé", []string{"Alt+'é'"}},
		{"alt-esc", "\x1b\x1b", []string{"Alt+Esc"}},
		{"alt-esc then key", "\x1b\x1bq", []string{"Alt+Esc", "Rune 'q'"}},
		{"lone esc drained", "\x1b", []string{"Esc"}},
		{"esc after key", "a\x1b", []string{"Rune 'a'", "Esc"}},
	})
}

func TestCtrlCIsRune(t *testing.T) {
	for _, in := range []string{"\x03", "\x1b[99;5u", "\x1b[99;69u" /* + caps lock */, "\x1b[27;5;99~"} {
		evs := decode(t, NewDecoder(Options{}), one(in)...)
		if len(evs) != 1 || !evs[0].IsRune('c', ModCtrl) {
			t.Errorf("%q: %v, want one Ctrl-C (IsRune('c', ModCtrl))", in, strs(evs))
		}
		if evs[0].IsRune('c', 0) || evs[0].IsRune('c', ModCtrl|ModShift) || evs[0].Is(KeyEsc, ModCtrl) {
			t.Errorf("%q matched the wrong key", in)
		}
	}
	evs := decode(t, NewDecoder(Options{}), one("\x1b[99;5:3u")...)
	if evs[0].IsRune('c', ModCtrl) {
		t.Error("a release must not match IsRune")
	}
	evs = decode(t, NewDecoder(Options{}), one("\x1a")...)
	if !evs[0].IsRune('z', ModCtrl) {
		t.Errorf("0x1a = %v, want Ctrl-Z", evs[0])
	}
}

func TestUTF8(t *testing.T) {
	runTable(t, Options{}, nil, []tcase{
		{"two-byte", "é", []string{"Rune 'é'"}},
		{"three-byte", "€", []string{"Rune '€'"}},
		{"four-byte", "😀", []string{"Rune '😀'"}},
		{"mixed", "aé€😀b", []string{"Rune 'a'", "Rune 'é'", "Rune '€'", "Rune '😀'", "Rune 'b'"}},
		{"lone continuation", "\x80", []string{"Rune '�'"}},
		{"bad bytes each alone", "\xff\xfe\xc0\xc1", []string{"Rune '�'", "Rune '�'", "Rune '�'", "Rune '�'"}},
		{"truncated sequence is one", "\xe2\x82A", []string{"Rune '�'", "Rune 'A'"}},
		{"truncated four-byte", "\xf0\x9f\x98b", []string{"Rune '�'", "Rune 'b'"}},
		{"overlong", "\xc0\xaf", []string{"Rune '�'", "Rune '�'"}},
		{"surrogate", "\xed\xa0\x80", []string{"Rune '�'", "Rune '�'", "Rune '�'"}},
		{"truncated at end resolves on expire", "x\xe2\x82", []string{"Rune 'x'", "Rune '�'"}},
		{"C1 csi is not a sequence", "\x9b", []string{"Rune '�'"}},
		{"E0 needs A0..BF", "\xe0\x80\xe0\xa0z", []string{"Rune '�'", "Rune '�'", "Rune '�'", "Rune 'z'"}},
		{"F0 needs 90..BF", "\xf0\x80\xf0\x90\x80z", []string{"Rune '�'", "Rune '�'", "Rune '�'", "Rune 'z'"}},
		{"F4 needs 80..8F", "\xf4\x90\xf4\x8f\xbfz", []string{"Rune '�'", "Rune '�'", "Rune '�'", "Rune 'z'"}},
		{"F1 truncated", "\xf1\x80\x80z", []string{"Rune '�'", "Rune 'z'"}},
	})
	// Raw of each replacement is exactly its maximal subpart.
	evs := decode(t, NewDecoder(Options{}), one("\xe2\x82A\xff")...)
	if string(evs[0].Raw) != "\xe2\x82" || string(evs[2].Raw) != "\xff" {
		t.Errorf("raws %q %q", evs[0].Raw, evs[2].Raw)
	}
}

func TestUTF8SplitAcrossChunks(t *testing.T) {
	for _, r := range []string{"é", "€", "😀"} {
		for cut := 1; cut < len(r); cut++ {
			d := NewDecoder(Options{})
			evs := decode(t, d, chunk{r[:cut], 10, true}, chunk{r[cut:], 20, true})
			if len(evs) != 1 || evs[0].Key != KeyRune || string(evs[0].Rune) != r || evs[0].Time != 20 {
				t.Errorf("%q cut at %d: %v, want one Rune %q at time 20", r, cut, strs(evs), r)
			}
		}
	}
	// Three chunks, one byte each, for a four-byte rune.
	d := NewDecoder(Options{})
	evs := decode(t, d, chunk{"\xf0\x9f", 1, true}, chunk{"\x98", 2, true}, chunk{"\x80z", 3, true})
	if got := strs(evs); !slices.Equal(got, []string{"Rune '😀'", "Rune 'z'"}) {
		t.Errorf("got %q", got)
	}
}

func TestXtermCSI(t *testing.T) {
	runTable(t, Options{}, nil, []tcase{
		{"arrows", "\x1b[A\x1b[B\x1b[C\x1b[D", []string{"Up", "Down", "Right", "Left"}},
		{"ctrl up", "\x1b[1;5A", []string{"Ctrl+Up"}},
		{"alt down", "\x1b[1;3B", []string{"Alt+Down"}},
		{"shift right", "\x1b[1;2C", []string{"Shift+Right"}},
		{"ctrl alt shift left", "\x1b[1;8D", []string{"Ctrl+Alt+Shift+Left"}},
		{"super", "\x1b[1;9A", []string{"Super+Up"}},
		{"hyper meta", "\x1b[1;49A", []string{"Hyper+Meta+Up"}},
		{"home end", "\x1b[H\x1b[F", []string{"Home", "End"}},
		{"ctrl home", "\x1b[1;5H", []string{"Ctrl+Home"}},
		{"vt220 home end", "\x1b[1~\x1b[4~", []string{"Home", "End"}},
		{"ins del pgup pgdn", "\x1b[2~\x1b[3~\x1b[5~\x1b[6~", []string{"Insert", "Delete", "PgUp", "PgDn"}},
		{"ctrl delete", "\x1b[3;5~", []string{"Ctrl+Delete"}},
		{"begin", "\x1b[E", []string{"Begin"}},
		{"f1-f4 csi", "\x1b[P\x1b[Q\x1b[S", []string{"F1", "F2", "F4"}},
		{"ctrl f1", "\x1b[1;5P", []string{"Ctrl+F1"}},
		{"f3 csi R no params", "\x1b[R", []string{"F3"}},
		{"ctrl f3 (no CPR expected)", "\x1b[1;5R", []string{"Ctrl+F3"}},
		{"f5-f12", "\x1b[15~\x1b[17~\x1b[18~\x1b[19~\x1b[20~\x1b[21~\x1b[23~\x1b[24~",
			[]string{"F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12"}},
		{"f1-f4 tilde", "\x1b[11~\x1b[12~\x1b[13~\x1b[14~", []string{"F1", "F2", "F3", "F4"}},
		{"shift f12", "\x1b[24;2~", []string{"Shift+F12"}},
		{"f13-f20", "\x1b[25~\x1b[34~", []string{"F13", "F20"}},
		{"shift tab", "\x1b[Z", []string{"Shift+Tab"}},
		{"ctrl shift tab", "\x1b[1;6Z", []string{"Ctrl+Shift+Tab"}},
		{"modifyOtherKeys ctrl enter", "\x1b[27;5;13~", []string{"Ctrl+Enter"}},
		{"modifyOtherKeys ctrl shift a", "\x1b[27;6;65~", []string{"Ctrl+Shift+'A'"}},
		{"alt up rxvt style", "\x1b\x1b[A", []string{"Alt+Up"}},
		{"keys between", "a\x1b[Ab", []string{"Rune 'a'", "Up", "Rune 'b'"}},
	})
}

func TestSS3(t *testing.T) {
	runTable(t, Options{}, nil, []tcase{
		{"arrows", "\x1bOA\x1bOB\x1bOC\x1bOD", []string{"Up", "Down", "Right", "Left"}},
		{"home end begin", "\x1bOH\x1bOF\x1bOE", []string{"Home", "End", "Begin"}},
		{"f1-f4", "\x1bOP\x1bOQ\x1bOR\x1bOS", []string{"F1", "F2", "F3", "F4"}},
		{"modifier digit", "\x1bO5P\x1bO2A", []string{"Ctrl+F1", "Shift+Up"}},
		{"modifier param", "\x1bO1;3Q", []string{"Alt+F2"}},
		{"keypad", "\x1bOM\x1bOp\x1bOy\x1bOk\x1bOX", []string{"KP Enter", "KP '0'", "KP '9'", "KP '+'", "KP '='"}},
		{"alt ss3", "\x1b\x1bOA", []string{"Alt+Up"}},
		{"unknown final", "\x1bOz", []string{"Unknown SS3 z"}},
		{"alt-O then ctrl", "\x1bO\x03", []string{"Alt+'O'", "Ctrl+'c'"}},
	})
}

func TestRxvtAndLinuxConsole(t *testing.T) {
	runTable(t, Options{}, nil, []tcase{
		{"shift arrows", "\x1b[a\x1b[b\x1b[c\x1b[d", []string{"Shift+Up", "Shift+Down", "Shift+Right", "Shift+Left"}},
		{"ctrl arrows", "\x1bOa\x1bOb\x1bOc\x1bOd", []string{"Ctrl+Up", "Ctrl+Down", "Ctrl+Right", "Ctrl+Left"}},
		{"home end", "\x1b[7~\x1b[8~", []string{"Home", "End"}},
		{"shift insert", "\x1b[2$", []string{"Shift+Insert"}},
		{"shift f1 then key", "\x1b[11$a", []string{"Shift+F1", "Rune 'a'"}},
		{"ctrl delete", "\x1b[3^", []string{"Ctrl+Delete"}},
		{"ctrl f1", "\x1b[11^", []string{"Ctrl+F1"}},
		{"ctrl shift pgup", "\x1b[5@", []string{"Ctrl+Shift+PgUp"}},
		{"linux console f1-f5", "\x1b[[A\x1b[[E", []string{"F1", "F5"}},
	})
}

func TestKitty(t *testing.T) {
	kitty := func(d *Decoder) { d.SetKitty(true) }
	runTable(t, Options{}, kitty, []tcase{
		{"rune", "\x1b[97u", []string{"Rune 'a'"}},
		{"ctrl c", "\x1b[99;5u", []string{"Ctrl+'c'"}},
		{"esc", "\x1b[27u", []string{"Esc"}},
		{"enter tab backspace", "\x1b[13u\x1b[9u\x1b[127u", []string{"Enter", "Tab", "Backspace"}},
		{"shift enter", "\x1b[13;2u", []string{"Shift+Enter"}},
		{"repeat", "\x1b[97;1:2u", []string{"Rune 'a' (repeat)"}},
		{"release", "\x1b[97;1:3u", []string{"Rune 'a' (release)"}},
		{"press explicit", "\x1b[97;1:1u", []string{"Rune 'a'"}},
		{"alternates", "\x1b[97:65;2u", []string{"Shift+'a' [shifted 'A' base '\\x00']"}},
		{"base layout", "\x1b[1092::97;5u", []string{"Ctrl+'ф' [shifted '\\x00' base 'a']"}},
		{"caps lock", "\x1b[97;65u", []string{"CapsLock+'a'"}},
		{"num lock", "\x1b[57399;129u", []string{"NumLock+KP '0'"}},
		{"text", "\x1b[97;2;65u", []string{"Shift+'a' text \"A\""}},
		{"text multi", "\x1b[97;1;228:246u", []string{"Rune 'a' text \"äö\""}},
		{"f13", "\x1b[57376u", []string{"F13"}},
		{"f35", "\x1b[57398;5u", []string{"Ctrl+F35"}},
		{"kp enter", "\x1b[57414u", []string{"KP Enter"}},
		{"kp begin tilde", "\x1b[57427~", []string{"KP Begin"}},
		{"media", "\x1b[57428u\x1b[57440u", []string{"MediaPlay", "MuteVolume"}},
		{"left shift release", "\x1b[57441;2:3u", []string{"Shift+LeftShift (release)"}},
		{"iso level5", "\x1b[57454u", []string{"IsoLevel5Shift"}},
		{"caps lock key", "\x1b[57358u", []string{"CapsLock"}},
		{"legacy form with event type", "\x1b[1;5:3A\x1b[3;1:2~", []string{"Ctrl+Up (release)", "Delete (repeat)"}},
		{"f1 kitty", "\x1b[1;2P", []string{"Shift+F1"}},
		{"f3 kitty is 13~", "\x1b[13~", []string{"F3"}},
		{"unassigned PUA", "\x1b[57364u", []string{"Unknown CSI 57364u"}},
		{"no code", "\x1b[;5u", []string{"Unknown CSI ;5u"}},
		{"control code", "\x1b[3u", []string{"Unknown CSI 3u"}},
		{"not a rune", "\x1b[55296u", []string{"Unknown CSI 55296u"}},
		{"flags reply", "\x1b[?15u", []string{"Reply KittyFlags CSI ?15u"}},
		{"cpr is a reply under kitty", "\x1b[1;5R", []string{"Reply CPR CSI 1;5R"}},
	})
	d := NewDecoder(Options{})
	evs := decode(t, d, one("\x1b[?1u")...)
	if evs[0].Kind != KindReply || evs[0].Reply != ReplyKittyFlags || evs[0].NParams != 1 || evs[0].Params[0] != 1 {
		t.Errorf("flags reply = %+v", evs[0].Event)
	}
	evs = decode(t, NewDecoder(Options{}), one("\x1b[97:65;2u")...)
	if e := evs[0]; e.Rune != 'a' || e.Shifted != 'A' || e.Mod != ModShift {
		t.Errorf("alternates: %+v", e.Event)
	}
}

func TestFocus(t *testing.T) {
	runTable(t, Options{}, nil, []tcase{
		{"in out", "\x1b[I\x1b[O", []string{"FocusIn", "FocusOut"}},
		{"with params is unknown", "\x1b[1I", []string{"Unknown CSI 1I"}},
	})
	evs := decode(t, NewDecoder(Options{}), one("\x1b[I")...)
	if evs[0].Kind != KindFocus || !evs[0].Focus {
		t.Errorf("%+v", evs[0])
	}
}

func TestReplies(t *testing.T) {
	runTable(t, Options{}, nil, []tcase{
		{"da1", "\x1b[?62;22c", []string{"Reply DA1 CSI ?62;22c"}},
		{"da2", "\x1b[>1;10;0c", []string{"Reply DA2 CSI >1;10;0c"}},
		{"cpr row != 1", "\x1b[12;40R", []string{"Reply CPR CSI 12;40R"}},
		{"decxcpr", "\x1b[?1;5R", []string{"Reply CPR CSI ?1;5R"}},
		{"decrpm private", "\x1b[?2004;1$y", []string{"Reply DECRPM CSI ?2004;1$y"}},
		{"decrpm ansi", "\x1b[4;2$y", []string{"Reply DECRPM CSI 4;2$y"}},
		{"kitty flags", "\x1b[?0u", []string{"Reply KittyFlags CSI ?0u"}},
		{"dsr", "\x1b[0n\x1b[?997;1n", []string{"Reply DSR CSI 0n", "Reply DSR CSI ?997;1n"}},
		{"window", "\x1b[8;24;80t", []string{"Reply Window CSI 8;24;80t"}},
		{"osc st", "\x1b]11;rgb:0000/0000/0000\x1b\\", []string{"Reply OSC OSC 11;rgb:0000/0000/0000 ST"}},
		{"osc bel", "\x1b]10;rgb:ffff/ffff/ffff\x07", []string{"Reply OSC OSC 10;rgb:ffff/ffff/ffff BEL"}},
		{"dcs", "\x1bP>|kitty(0.31.0)\x1b\\", []string{"Reply DCS DCS >|kitty(0.31.0) ST"}},
		{"dcs decrqss", "\x1bP1$r0m\x1b\\", []string{"Reply DCS DCS 1$r0m ST"}},
		{"apc", "\x1b_Gi=1;OK\x1b\\", []string{"Reply APC APC Gi=1;OK ST"}},
		{"reply between keys", "a\x1b[?62c\x1b[A", []string{"Rune 'a'", "Reply DA1 CSI ?62c", "Up"}},
	})
	evs := decode(t, NewDecoder(Options{}), one("\x1b[?62;22;4;9;52c\x1b[12;40R\x1b]11;x\x07\x1b]L\x07")...)
	want := []struct {
		r ReplyKind
		p []int
	}{{ReplyDA1, []int{62, 22, 4, 9}}, {ReplyCPR, []int{12, 40}}, {ReplyOSC, []int{11}}, {ReplyOSC, []int{-1}}}
	for i, w := range want {
		e := evs[i]
		if e.Kind != KindReply || e.Reply != w.r || !slices.Equal(e.Params[:e.NParams], w.p) {
			t.Errorf("reply %d = %v %v %v, want %v %v", i, e.Kind, e.Reply, e.Params[:e.NParams], w.r, w.p)
		}
	}
}

func TestCPRAmbiguity(t *testing.T) {
	d := NewDecoder(Options{})
	evs := decode(t, d, one("\x1b[1;5R")...)
	if !evs[0].Is(KeyF3, ModCtrl) {
		t.Fatalf("without ExpectCPR: %v, want Ctrl+F3", evs[0])
	}
	d.ExpectCPR()
	evs = decode(t, d, one("\x1b[1;5R\x1b[1;5R")...)
	if evs[0].Kind != KindReply || evs[0].Reply != ReplyCPR || evs[0].Params != [4]int{1, 5} {
		t.Errorf("expected CPR: %+v", evs[0].Event)
	}
	if !evs[1].Is(KeyF3, ModCtrl) {
		t.Errorf("the expectation is used up: second = %v, want Ctrl+F3", evs[1])
	}
	// A report for another row never reads as F3 and does not use up the expectation... it does:
	// each reply consumes one.
	d.ExpectCPR()
	evs = decode(t, d, one("\x1b[7;3R\x1b[1;2R")...)
	if evs[0].Reply != ReplyCPR || !evs[1].Is(KeyF3, ModShift) {
		t.Errorf("got %q", strs(evs))
	}
}

func TestCPRExpectationUsedByDECXCPR(t *testing.T) {
	d := NewDecoder(Options{})
	d.ExpectCPR()
	evs := decode(t, d, one("\x1b[?3;7R\x1b[1;3R")...)
	if evs[0].Reply != ReplyCPR || !evs[1].Is(KeyF3, ModAlt) {
		t.Errorf("got %q", strs(evs))
	}
}

func TestCPRAfterEscUsesOneExpectation(t *testing.T) {
	d := NewDecoder(Options{})
	d.ExpectCPR()
	evs := decode(t, d, one("\x1b\x1b[1;5R\x1b[1;5R")...)
	if got := strs(evs); !slices.Equal(got, []string{"Esc", "Reply CPR CSI 1;5R", "Ctrl+F3"}) {
		t.Errorf("got %q", got)
	}
}

func TestPasteExpireAfterPiece(t *testing.T) {
	d := NewDecoder(Options{MaxPaste: 16})
	in := "\x1b[200~" + strings.Repeat("p", 20)
	evs := decode(t, d, chunk{in, 5, true})
	if len(evs) != 2 || !evs[0].More || evs[1].More || len(evs[0].Text)+len(evs[1].Text) != 20 {
		t.Fatalf("got %q", strs(evs))
	}
	if d.Deadline() != 0 {
		t.Fatal("still pending")
	}
	evs = decode(t, d, one("\x1b[A")...)
	if !evs[0].Is(KeyUp, 0) {
		t.Fatalf("after the paste: %q", strs(evs))
	}
}

func TestUnknownAndMalformed(t *testing.T) {
	long := "\x1b[" + strings.Repeat("1", 70) + "A"
	runTable(t, Options{}, nil, []tcase{
		{"unknown final", "\x1b[999x", []string{"Unknown CSI 999x"}},
		{"unknown private", "\x1b[?5q", []string{"Unknown CSI ?5q"}},
		{"sgr mouse", "\x1b[<0;10;20M", []string{"Unknown CSI <0;10;20M"}},
		{"stray paste end", "\x1b[201~", []string{"Unknown CSI 201~"}},
		{"unknown tilde", "\x1b[99~", []string{"Unknown CSI 99~"}},
		{"control byte inside csi", "\x1b[1;\x03", []string{"Unknown CSI 1;", "Ctrl+'c'"}},
		{"esc inside csi", "\x1b[1\x1b[A", []string{"Unknown CSI 1", "Up"}},
		{"csi then control", "\x1b[\x03", []string{"Alt+'['", "Ctrl+'c'"}},
		{"param after intermediate", "\x1b[1;2$3y", []string{"Unknown CSI 1;2$3", "Rune 'y'"}},
		{"overlong csi", long, append(append([]string{"Unknown CSI " + strings.Repeat("1", 62)},
			slices.Repeat([]string{"Rune '1'"}, 8)...), "Rune 'A'")},
		{"string aborted by control", "\x1b]1\x03", []string{"Alt+']'", "Rune '1'", "Ctrl+'c'"}},
		{"string aborted by esc", "\x1bPx\x1b[A", []string{"Alt+'P'", "Rune 'x'", "Up"}},
		{"overlong ss3", "\x1bO" + strings.Repeat("1", 20) + "A", append(append([]string{"Unknown SS3 " + strings.Repeat("1", 14)},
			slices.Repeat([]string{"Rune '1'"}, 6)...), "Rune 'A'")},
		{"esc esc before reply", "\x1b\x1b[?1u", []string{"Esc", "Reply KittyFlags CSI ?1u"}},
	})
	// An OSC string longer than MaxString is bounded too.
	big := "\x1b]" + strings.Repeat("x", MaxString)
	evs := decode(t, NewDecoder(Options{}), one(big)...)
	if evs[0].Kind != KindUnknown || len(evs[0].Raw) != MaxString {
		t.Errorf("overlong OSC: first event %v with %d bytes", evs[0].Kind, len(evs[0].Raw))
	}
}

func TestPasteOneChunk(t *testing.T) {
	evs := decode(t, NewDecoder(Options{}), one("x\x1b[200~hello\x1b[A\r\nwörld\x1b[201~y")...)
	if got := strs(evs); !slices.Equal(got, []string{"Rune 'x'", "Paste(16 bytes)", "Rune 'y'"}) {
		t.Fatalf("got %q", got)
	}
	if p := evs[1]; string(p.Text) != "hello\x1b[A\r\nwörld" || string(p.Raw) != "\x1b[200~hello\x1b[A\r\nwörld\x1b[201~" || p.More {
		t.Errorf("paste Text %q Raw %q More %v", p.Text, p.Raw, p.More)
	}
	evs = decode(t, NewDecoder(Options{}), one("\x1b[200~\x1b[201~")...)
	if len(evs) != 1 || evs[0].Kind != KindPaste || len(evs[0].Text) != 0 {
		t.Errorf("empty paste: %q", strs(evs))
	}
}

// TestPasteSplitEverywhere cuts a paste (and keys around it) at every pair of
// positions: the result is always the same three events.
func TestPasteSplitEverywhere(t *testing.T) {
	in := "a\x1b[200~pa\x1bste\x1b[20\x1b[201~\x1b[B"
	for i := 0; i <= len(in); i++ {
		for j := i; j <= len(in); j++ {
			d := NewDecoder(Options{})
			evs := decode(t, d, chunk{in[:i], 1, false}, chunk{in[i:j], 2, false}, chunk{in[j:], 3, true})
			if got := strs(evs); !slices.Equal(got, []string{"Rune 'a'", "Paste(10 bytes)", "Down"}) {
				t.Fatalf("cuts %d,%d: got %q", i, j, got)
			}
			if string(evs[1].Text) != "pa\x1bste\x1b[20" {
				t.Fatalf("cuts %d,%d: text %q", i, j, evs[1].Text)
			}
		}
	}
}

func TestPasteOneMiBManyChunks(t *testing.T) {
	text := bytes.Repeat([]byte("0123456789abcdef\n"), (1<<20)/17)
	in := append(append(append([]byte{}, pasteStart...), text...), pasteEnd...)
	in = append(in, 'q')
	d := NewDecoder(Options{})
	var evs []got
	for off, i := 0, 0; off < len(in); i++ {
		n := min(4093, len(in)-off) // odd size: markers straddle chunks
		d.Feed(in[off:off+n], int64(i), off+n == len(in))
		evs = drain(d, evs)
		off += n
	}
	checkRaw(t, string(in), evs)
	if len(evs) != 2 || evs[0].Kind != KindPaste || !bytes.Equal(evs[0].Text, text) || evs[1].Rune != 'q' {
		t.Fatalf("got %d events: %q", len(evs), strs(evs))
	}
	if last := int64(len(in) / 4093); evs[0].Time != last {
		t.Errorf("paste Time = %d, want the last chunk's %d", evs[0].Time, last)
	}
}

func TestPasteMaxSplitsIntoPieces(t *testing.T) {
	text := strings.Repeat("abcdefghij", 10) + "\x1b[20" // ends with a marker prefix
	in := "\x1b[200~" + text + "\x1b[201~z"
	for _, chunkSize := range []int{1, 3, 7, 16, 1000} {
		d := NewDecoder(Options{MaxPaste: 16})
		var chunks []chunk
		for off := 0; off < len(in); off += chunkSize {
			chunks = append(chunks, chunk{in[off:min(off+chunkSize, len(in))], int64(off), false})
		}
		evs := decode(t, d, chunks...)
		var all strings.Builder
		for i, e := range evs[:len(evs)-1] {
			if e.Kind != KindPaste || len(e.Text) > 16 || e.More != (i < len(evs)-2) {
				t.Fatalf("size %d: piece %d: %v (%d bytes, More %v)", chunkSize, i, e.Kind, len(e.Text), e.More)
			}
			all.Write(e.Text)
		}
		if all.String() != text || evs[len(evs)-1].Rune != 'z' {
			t.Errorf("size %d: pieces = %q, want %q then z", chunkSize, all.String(), text)
		}
	}
}

func TestPasteUnterminated(t *testing.T) {
	d := NewDecoder(Options{PasteTimeout: 50 * time.Millisecond})
	d.Feed([]byte("\x1b[200~abc"), 1000, true)
	var ev Event
	if d.Next(&ev) {
		t.Fatalf("unterminated paste delivered early: %v", ev)
	}
	dl := d.Deadline()
	if dl != 1000+int64(50*time.Millisecond) {
		t.Fatalf("Deadline = %d", dl)
	}
	d.Expire(dl - 1)
	if d.Next(&ev) {
		t.Fatal("Expire before the deadline resolved the paste")
	}
	d.Expire(dl)
	if !d.Next(&ev) || ev.Kind != KindPaste || string(ev.Text) != "abc" || ev.More {
		t.Fatalf("after Expire: %v %q", ev, ev.Text)
	}
	if d.Next(&ev) || d.Deadline() != 0 {
		t.Fatal("still pending after the paste was delivered")
	}
	// Paste mode is over: keys are keys again.
	d.Feed([]byte("\x03"), 2000, true)
	if !d.Next(&ev) || !ev.IsRune('c', ModCtrl) {
		t.Fatalf("after the paste: %v", ev)
	}
}

func TestEscTiming(t *testing.T) {
	const ms = int64(time.Millisecond)
	var ev Event

	t.Run("drained chunk ending in ESC: at once", func(t *testing.T) {
		d := NewDecoder(Options{})
		d.Feed([]byte("\x1b"), 5*ms, true)
		if !d.Next(&ev) || !ev.Is(KeyEsc, 0) || ev.Time != 5*ms || d.Deadline() != 0 {
			t.Fatalf("%v deadline %d", ev, d.Deadline())
		}
	})
	t.Run("not drained: deferred until the deadline", func(t *testing.T) {
		d := NewDecoder(Options{})
		d.Feed([]byte("a\x1b"), 5*ms, false)
		if !d.Next(&ev) || ev.Rune != 'a' {
			t.Fatal(ev)
		}
		if d.Next(&ev) {
			t.Fatalf("ESC resolved without drained: %v", ev)
		}
		if got, want := d.Deadline(), 5*ms+int64(DefaultEscDelay); got != want {
			t.Fatalf("Deadline = %d, want %d", got, want)
		}
		d.Expire(14 * ms)
		if d.Next(&ev) {
			t.Fatal("resolved before the deadline")
		}
		d.Expire(15 * ms)
		if !d.Next(&ev) || !ev.Is(KeyEsc, 0) || ev.Time != 5*ms || string(ev.Raw) != "\x1b" {
			t.Fatalf("after Expire: %v time %d", ev, ev.Time)
		}
		if d.Deadline() != 0 {
			t.Fatal("still pending")
		}
	})
	t.Run("not drained: completed by the next chunk", func(t *testing.T) {
		d := NewDecoder(Options{})
		d.Feed([]byte("\x1b"), 5*ms, false)
		d.Next(&ev)
		d.Feed([]byte("[1;5A"), 6*ms, true)
		if !d.Next(&ev) || !ev.Is(KeyUp, ModCtrl) || ev.Time != 6*ms || string(ev.Raw) != "\x1b[1;5A" {
			t.Fatalf("%v time %d raw %q", ev, ev.Time, ev.Raw)
		}
	})
	t.Run("drained ESC [ is Alt+[", func(t *testing.T) {
		evs := decode(t, NewDecoder(Options{}), one("\x1b[")...)
		if len(evs) != 1 || !evs[0].IsRune('[', ModAlt) {
			t.Fatalf("%q", strs(evs))
		}
	})
	t.Run("partial CSI waits even when drained, then Unknown", func(t *testing.T) {
		d := NewDecoder(Options{})
		d.Feed([]byte("\x1b[1;5"), 5*ms, true)
		if d.Next(&ev) {
			t.Fatal(ev)
		}
		d.Expire(d.Deadline())
		if !d.Next(&ev) || ev.Kind != KindUnknown || string(ev.Raw) != "\x1b[1;5" {
			t.Fatal(ev)
		}
	})
	t.Run("partial OSC expires as Alt+] and keys", func(t *testing.T) {
		evs := decode(t, NewDecoder(Options{}), chunk{"\x1b]ab", 1, true})
		if got := strs(evs); !slices.Equal(got, []string{"Alt+']'", "Rune 'a'", "Rune 'b'"}) {
			t.Fatalf("%q", got)
		}
	})
	t.Run("kitty: Esc key has no delay", func(t *testing.T) {
		d := NewDecoder(Options{})
		d.SetKitty(true)
		d.Feed([]byte("\x1b[27u"), 5*ms, false)
		if !d.Next(&ev) || !ev.Is(KeyEsc, 0) || d.Deadline() != 0 {
			t.Fatal(ev)
		}
	})
	t.Run("kitty: raw ESC at chunk end is a split sequence", func(t *testing.T) {
		d := NewDecoder(Options{})
		d.SetKitty(true)
		d.Feed([]byte("\x1b"), 5*ms, true)
		if d.Next(&ev) {
			t.Fatalf("guessed %v", ev)
		}
		if d.Deadline() != 15*ms {
			t.Fatalf("deadline %d", d.Deadline())
		}
		d.Feed([]byte("[97;5u"), 6*ms, true)
		if !d.Next(&ev) || !ev.IsRune('a', ModCtrl) {
			t.Fatal(ev)
		}
	})
	t.Run("custom and zero delay", func(t *testing.T) {
		d := NewDecoder(Options{EscDelay: 3 * time.Millisecond})
		d.Feed([]byte("\x1b"), 5*ms, false)
		d.Next(&ev)
		if d.Deadline() != 8*ms {
			t.Fatalf("deadline %d", d.Deadline())
		}
		d = NewDecoder(Options{EscDelay: NoEscDelay})
		d.Feed([]byte("\x1b"), 5*ms, false)
		d.Next(&ev)
		if d.Deadline() != 5*ms {
			t.Fatalf("deadline %d", d.Deadline())
		}
	})
}

// TestSplitAnywhere: cutting the input into two chunks anywhere (neither
// drained until the end) gives the same events as one chunk.
func TestSplitAnywhere(t *testing.T) {
	inputs := []string{
		"a\x1b[1;5Aé\x1bOP\x1b[97;5u€\x1b[?62;22c\x1bx\x1b\x1b[B\x1b]11;rgb:1/2/3\x1b\\\x1b[I😀\x03",
		"\x1b[3~\x1bP>|xterm\x1b\\\x1b[57399;129u\x1b[2$\x1b[[B\x1b_Gok\x1b\\\xe2\x82",
	}
	for _, in := range inputs {
		whole := strs(decode(t, NewDecoder(Options{}), chunk{in, 1, true}))
		for cut := 0; cut <= len(in); cut++ {
			got := strs(decode(t, NewDecoder(Options{}), chunk{in[:cut], 1, false}, chunk{in[cut:], 2, true}))
			if !slices.Equal(got, whole) {
				t.Fatalf("cut at %d:\n got %q\nwant %q", cut, got, whole)
			}
		}
	}
}

func TestFeedBeforeDrainKeepsBytes(t *testing.T) {
	d := NewDecoder(Options{})
	d.Feed([]byte("ab\x1b[A"), 1, true)
	var ev Event
	if !d.Next(&ev) || ev.Rune != 'a' {
		t.Fatal(ev)
	}
	d.Feed([]byte("c"), 2, true) // "b" and the arrow were not drained yet
	evs := drain(d, nil)
	if got := strs(evs); !slices.Equal(got, []string{"Rune 'b'", "Up", "Rune 'c'"}) {
		t.Fatalf("%q", got)
	}

	// The same with a paste in the bytes not drained yet.
	d.Feed([]byte("x\x1b[200~abc"), 3, false)
	if !d.Next(&ev) || ev.Rune != 'x' {
		t.Fatal(ev)
	}
	d.Feed([]byte("def\x1b[201~y"), 4, true)
	evs = drain(d, nil)
	if got := strs(evs); !slices.Equal(got, []string{"Paste(6 bytes)", "Rune 'y'"}) || string(evs[0].Text) != "abcdef" {
		t.Fatalf("%q", got)
	}
}

func TestHugePasteBufferIsNotKept(t *testing.T) {
	d := NewDecoder(Options{})
	body := bytes.Repeat([]byte("z"), keepPasteCap+1)
	in := append(append(append([]byte{}, pasteStart...), body...), pasteEnd...)
	var evs []got
	for off := 0; off < len(in); off += 1 << 16 {
		d.Feed(in[off:min(off+1<<16, len(in))], 1, true)
		evs = drain(d, evs)
	}
	checkRaw(t, string(in), evs)
	if len(evs) != 1 || len(evs[0].Text) != len(body) {
		t.Fatalf("%q", strs(evs))
	}
	if d.pasteBuf != nil {
		t.Errorf("a %d MiB paste buffer is kept after the paste", cap(d.pasteBuf)>>20)
	}
}

func TestEscDelayFromEnv(t *testing.T) {
	for _, tc := range []struct {
		val   string
		set   bool
		want  time.Duration
		isSet bool
		bad   bool
	}{
		{set: false},
		{val: "", set: true},
		{val: "25", set: true, want: 25 * time.Millisecond, isSet: true},
		{val: " 7 ", set: true, want: 7 * time.Millisecond, isSet: true},
		{val: "0", set: true, want: NoEscDelay, isSet: true},
		{val: "abc", set: true, isSet: true, bad: true},
		{val: "10ms", set: true, isSet: true, bad: true},
		{val: "-1", set: true, isSet: true, bad: true},
		{val: "1001", set: true, isSet: true, bad: true},
	} {
		if tc.set {
			t.Setenv(EnvEscDelay, tc.val)
		} else {
			t.Setenv(EnvEscDelay, "")
		}
		got, isSet, err := EscDelayFromEnv()
		if tc.bad {
			if !errors.Is(err, ErrBadEscDelay) || !strings.Contains(err.Error(), EnvEscDelay) {
				t.Errorf("%q: err = %v, want ErrBadEscDelay naming the variable", tc.val, err)
			}
			continue
		}
		if err != nil || got != tc.want || isSet != tc.isSet {
			t.Errorf("%q: got %v %v %v, want %v %v", tc.val, got, isSet, err, tc.want, tc.isSet)
		}
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		ev   Event
		want string
	}{
		{Event{Kind: KindKey, Key: KeyRune, Rune: 'é'}, "Rune 'é'"},
		{Event{Kind: KindKey, Key: KeyUp, Mod: ModCtrl | ModAlt}, "Ctrl+Alt+Up"},
		{Event{Kind: KindKey, Key: KeyF5, Mod: ModShift, Action: ActionRelease}, "Shift+F5 (release)"},
		{Event{Kind: KindPaste, Text: []byte("hello, world")}, "Paste(12 bytes)"},
		{Event{Kind: KindPaste, Text: []byte("ab"), More: true}, "Paste(2 bytes) more follows"},
		{Event{Kind: KindFocus}, "FocusOut"},
		{Event{Kind: KindReply, Reply: ReplyKittyFlags, Raw: []byte("\x1b[?1u")}, "Reply KittyFlags CSI ?1u"},
		{Event{Kind: KindUnknown, Raw: []byte("\x1b[9x\x01\x7f\xff")}, `Unknown CSI 9x^A^?\xff`},
		{Event{}, "None"},
	} {
		if got := tc.ev.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
	if KeyF35.String() != "F35" || KeyPgDn.String() != "PgDn" || Key(250).String() != "Key(250)" {
		t.Error("Key.String")
	}
	if KindReply.String() != "Reply" || ReplyDECRPM.String() != "DECRPM" || ActionRepeat.String() != "repeat" {
		t.Error("names")
	}
	if (ModCtrl | ModShift | ModCapsLock).String() != "Ctrl+Shift+CapsLock" {
		t.Error((ModCtrl | ModShift | ModCapsLock).String())
	}
}

func TestParseEscDelay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"10", 10 * time.Millisecond, true},
		{" 25 ", 25 * time.Millisecond, true},
		{"0", NoEscDelay, true},
		{"1000", time.Second, true},
		{"1001", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"10ms", 0, false},
		{"", 0, false},
	} {
		got, err := ParseEscDelay(tc.in)
		if tc.ok != (err == nil) || got != tc.want || err != nil && !errors.Is(err, ErrBadEscDelay) {
			t.Errorf("ParseEscDelay(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	var f EscDelayFlag
	if f.String() != "" || f.Delay() != 0 {
		t.Errorf("unset flag: %q, %v", f.String(), f.Delay())
	}
	if err := f.Set("0"); err != nil || f.Delay() != NoEscDelay || f.String() != "0" {
		t.Errorf("--escdelay 0: %v, %v, %q", err, f.Delay(), f.String())
	}
	if err := f.Set("40"); err != nil || f.Delay() != 40*time.Millisecond || f.String() != "40" {
		t.Errorf("--escdelay 40: %v, %v, %q", err, f.Delay(), f.String())
	}
	if err := f.Set("5000"); err == nil || !strings.Contains(err.Error(), "0 to 1000") {
		t.Errorf("--escdelay 5000: %v", err)
	}
}
