package app

import (
	"os"
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
