package app

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	// Bot mode, for TestBotArgv (the test binary stands for roshambo).
	if len(os.Args) > 1 && os.Args[1] == BotCommand {
		os.Exit(BotMain(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	os.Exit(code)
}

// TestNotATerminal: stdin or stdout that is not a terminal is a clear error
// with exit code 2.
func TestNotATerminal(t *testing.T) {
	cmd := exec.Command(gameBinary(t, true), "--bot", "cycle")
	cmd.Stdin = strings.NewReader("")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != ExitUsage {
		t.Fatalf("exit %v, want code %d", err, ExitUsage)
	}
	if got := stderr.String(); got != "roshambo: stdin is not a terminal (the game needs an interactive terminal)\n" {
		t.Errorf("stderr %q", got)
	}
}
