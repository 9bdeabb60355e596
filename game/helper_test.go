package game

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/roshambo-game/roshambo/internal/testutil"
)

// The opponent tests re-execute the test binary as a tiny opponent process
// (the os/signal TestTerminalSignal pattern): in the role "helper:MODE"
// (testutil.RoleEnv) it behaves as the named kind of opponent instead of
// running the tests. No other language or binary is needed.
func TestMain(m *testing.M) {
	testutil.Main(m, map[string]testutil.Role{"helper": runHelper})
}

// helperArgv returns the command line of a helper opponent of the given mode.
func helperArgv(t *testing.T, mode string) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(testutil.RoleEnv, "helper:"+mode)
	// A race-enabled helper would otherwise sleep a second before exiting.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	return []string{exe, "-test.run=^$"}
}

// runHelper is the helper opponent's main. Modes:
//
//	bot, commitbot  a good iocaine bot (plain or commit mode)
//	hang            reads everything, never answers
//	die             answers three rounds, then prints to stderr and exits 3
//	garbage         answers two rounds, then answers "banana split"
//	badreveal       commit mode, but reveals a move it did not commit to
//	chatty          answers round 3 twice, in one write
//	slow            answers each round after 300 ms
//	deaf            answers every round with rock, ignores "quit" and the
//	                end of its input, and never exits by itself
func runHelper(mode string) int {
	switch mode {
	case "bot", "commitbot":
		if err := ServeBot(os.Stdin, os.Stdout, NewIocaine(11), ServeOptions{Commit: mode == "commitbot"}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	case "hang":
		_, _ = io.Copy(io.Discard, os.Stdin)
		time.Sleep(time.Hour)
		return 0
	}
	sc := bufio.NewScanner(os.Stdin)
	say := func(s string) { _, _ = os.Stdout.Write([]byte(s + "\n")) }
	for sc.Scan() {
		msg, err := ParseMessage(sc.Text())
		if err != nil {
			continue
		}
		if msg.Kind == MsgQuit && mode != "deaf" {
			return 0
		}
		switch mode {
		case "die":
			if msg.Kind == MsgRound && msg.Round == 4 {
				fmt.Fprintln(os.Stderr, "helper: out of cheese, giving up")
				return 3
			}
			if msg.Kind == MsgRound {
				say("rock")
			}
		case "garbage":
			if msg.Kind == MsgRound && msg.Round == 3 {
				say("banana split")
			} else if msg.Kind == MsgRound {
				say("paper")
			}
		case "badreveal":
			if msg.Kind == MsgRound {
				say("commit " + Commitment(Rock, "n0nce"))
			}
			if msg.Kind == MsgOpponent {
				say(fmt.Sprintf("reveal %d paper n0nce", msg.Round))
			}
		case "chatty":
			if msg.Kind == MsgRound && msg.Round == 3 {
				say("rock\nrock") // two answers in one write
			} else if msg.Kind == MsgRound {
				say("rock")
			}
		case "deaf":
			if msg.Kind == MsgRound {
				say("rock")
			}
		case "slow":
			if msg.Kind == MsgRound {
				time.Sleep(300 * time.Millisecond)
				say("scissors")
			}
		}
	}
	if mode == "deaf" {
		time.Sleep(time.Hour)
	}
	return 0
}

// skipUnderRace skips a CPU-heavy strength test (thousands of 1000-round
// matches, no concurrency of its own) under the race detector, which makes
// the strategies some fifty times slower. `make test` runs these tests
// without the race detector (`make strength`).
func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceDetector {
		t.Skip("CPU-heavy strength test skipped under the race detector; make strength (part of make test) runs it without")
	}
}
