package keys

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecode feeds the input split into chunks at fuzz-chosen boundaries
// (cuts: each byte is a chunk length 1..64, its high bit marks the chunk as
// drained), drains Next after every chunk, then expires everything pending.
// It checks that nothing panics, that the events' Raw bytes concatenate to
// exactly the input, that key runes are valid, and that nothing stays pending.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("a\x1b[A"), []byte{}, false)
	f.Fuzz(func(t *testing.T, in, cuts []byte, kitty bool) {
		d := NewDecoder(Options{MaxPaste: 32})
		d.SetKitty(kitty)
		if len(in) > 0 && in[0]&1 == 1 {
			d.ExpectCPR()
		}
		var raw []byte
		var ev Event
		check := func() {
			for d.Next(&ev) {
				if ev.Kind == KindNone || ev.Kind > KindUnknown {
					t.Fatalf("bad kind %d", ev.Kind)
				}
				if ev.Kind == KindKey {
					if ev.Key == KeyNone || ev.Key >= keyCount {
						t.Fatalf("bad key %d", ev.Key)
					}
					if ev.Key == KeyRune && (!utf8.ValidRune(ev.Rune) || ev.Rune < 0x20 && ev.Mod&ModCtrl == 0) {
						t.Fatalf("bad rune %U in %v", ev.Rune, ev)
					}
				}
				if ev.Kind == KindPaste && len(ev.Text) > 32 {
					t.Fatalf("paste piece of %d bytes > MaxPaste", len(ev.Text))
				}
				if len(ev.Raw) == 0 && ev.Kind != KindPaste {
					t.Fatalf("empty Raw in %v", ev)
				}
				raw = append(raw, ev.Raw...)
			}
		}
		now := int64(1000)
		for off, i := 0, 0; off < len(in); i++ {
			n, drained := len(in)-off, true
			if len(cuts) > 0 {
				c := cuts[i%len(cuts)]
				n, drained = min(int(c&63)+1, len(in)-off), c&128 != 0
			}
			now += 100
			d.Feed(in[off:off+n], now, drained)
			check()
			off += n
		}
		for i := 0; d.Deadline() != 0; i++ {
			if i > len(in)+2 {
				t.Fatalf("still pending after %d expiries", i)
			}
			d.Expire(d.Deadline())
			check()
		}
		if !bytes.Equal(raw, in) {
			t.Fatalf("Raw concatenation differs from input\n got %q\nwant %q", raw, in)
		}

		// Where the chunks are cut must not matter when the intermediate chunks
		// are not drained (a drained chunk legitimately settles a trailing ESC).
		whole := summarize(in, nil, kitty)
		split := summarize(in, cuts, kitty)
		if whole != split {
			t.Fatalf("split decoding differs from whole\nwhole %s\nsplit %s", whole, split)
		}
	})
}

// summarize decodes in (cut by cuts, no chunk drained but the last) and
// renders the events, merging consecutive paste pieces.
func summarize(in, cuts []byte, kitty bool) string {
	d := NewDecoder(Options{})
	d.SetKitty(kitty)
	if len(in) > 0 && in[0]&1 == 1 {
		d.ExpectCPR()
	}
	var b strings.Builder
	var ev Event
	out := func() {
		for d.Next(&ev) {
			fmt.Fprintf(&b, "[%s %q %q]", ev, ev.Raw, ev.Text)
		}
	}
	for off, i := 0, 0; off < len(in); i++ {
		n := len(in) - off
		if len(cuts) > 0 {
			n = min(int(cuts[i%len(cuts)]&63)+1, n)
		}
		d.Feed(in[off:off+n], 1, off+n == len(in))
		out()
		off += n
	}
	for i := 0; d.Deadline() != 0 && i <= len(in)+2; i++ {
		d.Expire(d.Deadline())
		out()
	}
	return b.String()
}
