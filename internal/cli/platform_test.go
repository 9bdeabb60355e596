package cli

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

func TestUnsupported(t *testing.T) {
	var stderr bytes.Buffer
	if code := Unsupported(&stderr, "roshambo keys", "epoll"); code != ExitUsage {
		t.Errorf("exit %d, want %d", code, ExitUsage)
	}
	want := "roshambo keys: runs only on Linux (epoll), not on " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if got := stderr.String(); got != want || strings.Count(got, "\n") != 1 {
		t.Errorf("stderr %q, want %q", got, want)
	}
}
