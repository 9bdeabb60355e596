package testutil

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ProtocolLines returns the shared table of protocol lines,
// game/testdata/lines.txt: one Go-quoted line each (without its newline),
// "#" comments skipped. The game's parser and the spy's classifier are
// both tested on it, so that they cannot disagree on a line.
func ProtocolLines(t testing.TB) []string {
	t.Helper()
	const file = "game/testdata/lines.txt"
	b, err := os.ReadFile(filepath.Join(ModuleRoot(t), file))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(l, "#") {
			continue
		}
		s, err := strconv.Unquote(l)
		if err != nil {
			t.Fatalf("%s:%d: %v", file, i+1, err)
		}
		lines = append(lines, s)
	}
	return lines
}
