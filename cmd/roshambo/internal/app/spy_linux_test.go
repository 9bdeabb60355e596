package app

import (
	"testing"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/tui"
	"github.com/roshambo-game/roshambo/game"
)

// TestSpied: what the panel is told of each kind of line the spy sees.
func TestSpied(t *testing.T) {
	commit := "commit " + game.Commitment(game.Rock, "n") + "\n"
	for _, tc := range []struct {
		name string
		line event.Line
		want tui.Spied
		ok   bool
	}{
		{"a move", event.Line{FD: 1, Text: []byte("rock\n")}, tui.Spied{Move: game.Rock}, true},
		{"a Unicode move", event.Line{FD: 1, Text: []byte("ROC\u212A\n")}, tui.Spied{Move: game.Rock}, true},
		{"a commitment", event.Line{FD: 1, Text: []byte(commit)}, tui.Spied{Committed: true, Commitment: commit[7:71]}, true},
		{"a reveal", event.Line{FD: 1, Text: []byte("reveal 3 rock n\n")}, tui.Spied{}, false},
		{"stderr", event.Line{FD: 2, Text: []byte("rock\n")}, tui.Spied{}, false},
		{"another fd into the watched pipe", event.Line{FD: 7, ByInode: true, Text: []byte("paper\n")}, tui.Spied{Move: game.Paper}, true},
		{"rewritten during the write", event.Line{FD: 1, Changed: true, Entry: []byte("paper\n"), Text: []byte("scissors\n")},
			tui.Spied{Changed: true, Entry: "PAPER", Exit: "SCISSORS"}, true},
		{"read once", event.Line{FD: 1, Unverified: true, Text: []byte("paper\n")},
			tui.Spied{Move: game.Paper, Caveat: "read once: a rewrite would have gone unseen"}, true},
		{"not an answer", event.Line{FD: 1, Text: []byte("thinking...\n")}, tui.Spied{}, false},
	} {
		got, ok := spied(&tc.line)
		if ok != tc.ok || got != tc.want {
			t.Errorf("%s: %+v, %v; want %+v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
