package game

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fencedBlocks returns the contents of the ```lang blocks of a markdown file.
func fencedBlocks(t *testing.T, path, lang string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	parts := strings.Split(string(b), "```"+lang+"\n")
	for _, p := range parts[1:] {
		end := strings.Index(p, "```")
		if end < 0 {
			t.Fatalf("%s: unterminated %s block", path, lang)
		}
		out = append(out, p[:end])
	}
	return out
}

// TestProtocolDocSessions checks that the worked examples in
// docs/protocol.md are valid protocol lines, and that their commitments match
// their reveals.
func TestProtocolDocSessions(t *testing.T) {
	sessions := fencedBlocks(t, "../docs/protocol.md", "session")
	if len(sessions) < 2 {
		t.Fatalf("found %d example sessions", len(sessions))
	}
	commits := 0
	for _, s := range sessions {
		var pending string
		for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
			dir, text, ok := strings.Cut(line, " ")
			msg, err := ParseMessage(text)
			if !ok || (dir != ">" && dir != "<") || err != nil {
				t.Errorf("bad example line %q: %v", line, err)
				continue
			}
			game := msg.Kind == MsgRound || msg.Kind == MsgOpponent || msg.Kind == MsgQuit
			if game != (dir == ">") {
				t.Errorf("example line %q goes the wrong way", line)
			}
			switch msg.Kind {
			case MsgCommit:
				pending = msg.Hash
			case MsgReveal:
				if Commitment(msg.Move, msg.Nonce) != pending {
					t.Errorf("example reveal %q does not match commitment %s", text, pending)
				}
				commits++
			}
		}
	}
	if commits == 0 {
		t.Error("no commit-mode example")
	}
}

// TestProtocolDocPythonBot runs the Python bot of docs/protocol.md against
// the driver.
func TestProtocolDocPythonBot(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed; cannot run the documented Python bot")
	}
	blocks := fencedBlocks(t, "../docs/protocol.md", "python")
	if len(blocks) != 1 {
		t.Fatalf("found %d python blocks, want 1", len(blocks))
	}
	if n := strings.Count(strings.TrimSpace(blocks[0]), "\n") + 1; n > 16 {
		t.Errorf("the documented bot has %d lines", n)
	}
	script := filepath.Join(t.TempDir(), "freqbot.py")
	if err := os.WriteFile(script, []byte(blocks[0]), 0o644); err != nil {
		t.Fatal(err)
	}
	op, err := StartOpponent(context.Background(), []string{py, script}, OpponentOptions{Timeout: slowStart})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMatch(Rounds(50))
	// Always rock: the frequency bot answers paper every round (with no data
	// its guess is rock, the first key, so it starts with paper too).
	if err := PlayOpponent(context.Background(), constant(Rock), op, m, Rules{}); err != nil {
		t.Fatal(err)
	}
	if err := op.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if s := m.Score(); s.BotWins != 50 {
		t.Errorf("python bot vs rock: %+v, want 50 bot wins", s)
	}
}
