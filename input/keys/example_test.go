package keys_test

import (
	"fmt"

	"github.com/roshambo-game/roshambo/input/keys"
)

// Feed hands over each captured chunk; Next yields the events it completes.
// A sequence split across chunks is completed by the next chunk.
func Example() {
	d := keys.NewDecoder(keys.Options{})
	chunks := []struct {
		data    string
		t       int64
		drained bool
	}{
		{"r\x1b[1;5", 100, false}, // 'r', then half of Ctrl+Up
		{"A\x03", 200, true},      // the rest of Ctrl+Up, then Ctrl-C
		{"\x1b", 300, true},       // a lone ESC, nothing behind it: Esc at once
	}
	var ev keys.Event
	for _, c := range chunks {
		d.Feed([]byte(c.data), c.t, c.drained)
		for d.Next(&ev) {
			fmt.Printf("%-10q %-12s t=%d ctrl-c=%v\n", ev.Raw, ev, ev.Time, ev.IsRune('c', keys.ModCtrl))
		}
	}
	// Output:
	// "r"        Rune 'r'     t=100 ctrl-c=false
	// "\x1b[1;5A" Ctrl+Up      t=200 ctrl-c=false
	// "\x03"     Ctrl+'c'     t=200 ctrl-c=true
	// "\x1b"     Esc          t=300 ctrl-c=false
}

// When a chunk ends in ESC while more bytes were queued, the decoder cannot
// tell yet: Deadline says when to give up waiting, Expire resolves.
func ExampleDecoder_Expire() {
	d := keys.NewDecoder(keys.Options{}) // EscDelay 10 ms
	d.Feed([]byte("\x1b"), 1_000_000, false)
	var ev keys.Event
	fmt.Println(d.Next(&ev), d.Deadline())
	d.Expire(d.Deadline())
	for d.Next(&ev) {
		fmt.Println(ev, ev.Time)
	}
	// Output:
	// false 11000000
	// Esc 1000000
}
