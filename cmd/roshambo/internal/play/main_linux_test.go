package play

import (
	"os"
	"testing"
)

// roleEnv makes the test binary act as the game (see gameBinary).
const roleEnv = "ROSHAMBO_PLAY_TEST_ROLE"

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == BotCommand {
		os.Exit(BotMain(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
	}
	if os.Getenv(roleEnv) == "game" {
		os.Unsetenv(roleEnv)
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
