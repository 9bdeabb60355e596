package game

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// slowStart is the answer timeout of tests that do not test timeouts: on a
// loaded CI machine a race-enabled helper may take seconds to start.
const slowStart = 15 * time.Second

// checkNoLeaks fails if goroutines started during the test are still running
// shortly after it.
func checkNoLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(3 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Errorf("goroutines: %d before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// alive reports whether a process (not yet reaped or a zombie) exists.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(b))
	return len(f) > 2 && f[2] != "Z"
}

// groupAlive reports whether a live (not zombie) process is in group pgid.
func groupAlive(pgid int) bool {
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 2 && f[0] != "Z" && f[2] == strconv.Itoa(pgid) {
			return true
		}
	}
	return false
}

func TestOpponentRoundTrip(t *testing.T) {
	for _, mode := range []string{"bot", "commitbot"} {
		t.Run(mode, func(t *testing.T) {
			checkNoLeaks(t)
			op, err := StartOpponent(context.Background(), helperArgv(t, mode),
				OpponentOptions{RequireCommit: mode == "commitbot", Timeout: slowStart})
			if err != nil {
				t.Fatal(err)
			}
			pid := op.PID()
			if pid <= 0 || !alive(pid) {
				t.Fatalf("PID %d is not a live process", pid)
			}
			// First a round by hand, as the TUI plays it.
			a, err := op.Ask(1)
			if err != nil {
				t.Fatal(err)
			}
			if a.Committed() != (mode == "commitbot") || a.Round != 1 {
				t.Fatalf("answer %+v in mode %s", a, mode)
			}
			if !a.Committed() && !a.Move.Valid() {
				t.Fatalf("plain answer without a move: %+v", a)
			}
			bm, err := op.Reveal(1, Rock)
			if err != nil || !bm.Valid() || (!a.Committed() && bm != a.Move) {
				t.Fatalf("Reveal = %v, %v (answer %+v)", bm, err, a)
			}
			// Then a whole match against a cycling strategy, which the
			// iocaine bot must crush.
			m := NewMatch(Rounds(200))
			if _, err := m.Record(Rock, bm); err != nil {
				t.Fatal(err)
			}
			if err := PlayOpponent(context.Background(), &cycleStrategy{}, op, m); err != nil {
				t.Fatal(err)
			}
			if m.Played() != 200 || m.Score().Diff() > -100 {
				t.Errorf("played %d, score %+v: the bot did not beat cycle", m.Played(), m.Score())
			}
			if err := op.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if alive(pid) {
				t.Errorf("opponent %d still alive after Close", pid)
			}
		})
	}
}

func TestOpponentFailures(t *testing.T) {
	tests := []struct {
		mode    string
		commit  bool
		timeout time.Duration
		want    error
		played  int      // rounds recorded before the failure
		details []string // substrings of the error message
	}{
		{"hang", false, 150 * time.Millisecond, ErrTimeout, 0, []string{"round 1", "no answer within 150ms"}},
		{"slow", false, 100 * time.Millisecond, ErrTimeout, 0, []string{"round 1"}},
		{"die", false, 0, ErrOpponentExited, 3, []string{"round 4", "exit status 3", "out of cheese"}},
		{"garbage", false, 0, ErrMalformed, 2, []string{"round 3", `"banana split"`}},
		{"badreveal", true, 0, ErrCommitMismatch, 0, []string{"round 1", "reveal 1 paper n0nce"}},
		{"bot", true, 0, ErrMalformed, 0, []string{"want a commitment"}},
		{"chatty", false, 0, ErrMalformed, 2, []string{"round 3", "unsolicited", `"rock"`}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			checkNoLeaks(t)
			timeout := tt.timeout
			if timeout == 0 {
				timeout = slowStart // not testing timeouts: allow a slow start
			}
			op, err := StartOpponent(context.Background(), helperArgv(t, tt.mode),
				OpponentOptions{Timeout: timeout, RequireCommit: tt.commit})
			if err != nil {
				t.Fatal(err)
			}
			defer op.Close()
			m := NewMatch(Rounds(10))
			err = PlayOpponent(context.Background(), constant(Rock), op, m)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			for _, s := range tt.details {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			var oe *OpponentError
			if !errors.As(err, &oe) {
				t.Errorf("error %v is not an *OpponentError", err)
			}
			if m.Played() != tt.played {
				t.Errorf("%d rounds kept, want %d", m.Played(), tt.played)
			}
			if alive(op.PID()) {
				t.Errorf("opponent %d still alive after the error", op.PID())
			}
			// The error sticks.
			if _, err2 := op.Ask(m.Played() + 1); !errors.Is(err2, tt.want) {
				t.Errorf("Ask after the failure: %v", err2)
			}
		})
	}
}

func TestOpponentContextCancel(t *testing.T) {
	checkNoLeaks(t)
	ctx, cancel := context.WithCancel(context.Background())
	op, err := StartOpponent(ctx, helperArgv(t, "hang"), OpponentOptions{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = op.Ask(1)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Ask after cancel: %v", err)
	}
	if alive(op.PID()) {
		t.Error("opponent alive after cancel")
	}
}

func TestOpponentKillsChildren(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to start a grandchild with:", err)
	}
	checkNoLeaks(t)
	// sh starts a grandchild that holds the pipes and never answers.
	op, err := StartOpponent(context.Background(), []string{sh, "-c", "sleep 60; :"}, OpponentOptions{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = op.Ask(1)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Ask: %v", err)
	}
	// The whole process group is gone: no live process is left in it.
	deadline := time.Now().Add(2 * time.Second)
	for groupAlive(op.PID()) {
		if time.Now().After(deadline) {
			t.Fatal("processes remain in the opponent's group")
		}
		time.Sleep(10 * time.Millisecond)
	}
	op.Close()
}

func TestStartOpponentErrors(t *testing.T) {
	if _, err := StartOpponent(context.Background(), nil, OpponentOptions{}); err == nil {
		t.Error("empty argv accepted")
	}
	if _, err := StartOpponent(context.Background(), []string{"/nonexistent/bot"}, OpponentOptions{}); err == nil ||
		!strings.Contains(err.Error(), "/nonexistent/bot") {
		t.Errorf("missing binary: %v", err)
	}
	cmd := exec.Command("true")
	cmd.Stdout = os.Stdout
	if _, err := StartOpponent(context.Background(), nil, OpponentOptions{Cmd: cmd}); err == nil {
		t.Error("Cmd with Stdout accepted")
	}
}

func TestOpponentPrebuiltCmd(t *testing.T) {
	checkNoLeaks(t)
	argv := helperArgv(t, "bot")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), helperEnv+"=commitbot")
	op, err := StartOpponent(context.Background(), nil, OpponentOptions{Cmd: cmd, Timeout: slowStart})
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	a, err := op.Ask(1)
	if err != nil || !a.Committed() {
		t.Fatalf("Ask = %+v, %v; want a commitment from the prebuilt command's environment", a, err)
	}
	if _, err := op.Reveal(2, Rock); err == nil {
		t.Error("Reveal of a round not asked succeeded")
	}
	if m, err := op.Reveal(1, Paper); err != nil || !m.Valid() {
		t.Errorf("Reveal = %v, %v", m, err)
	}
}

// TestOpponentIgnoresQuit: an opponent that ignores "quit" and the end of
// its input is killed after the quit grace, reaped, and Close reports no
// error (the match was played); no goroutine is left behind.
func TestOpponentIgnoresQuit(t *testing.T) {
	for _, grace := range []time.Duration{0, 20 * time.Millisecond} {
		t.Run(fmt.Sprint("grace=", grace), func(t *testing.T) {
			checkNoLeaks(t)
			op, err := StartOpponent(context.Background(), helperArgv(t, "deaf"), OpponentOptions{Timeout: 30 * time.Second, QuitGrace: grace})
			if err != nil {
				t.Fatal(err)
			}
			for n := 1; n <= 2; n++ {
				if _, err := op.Ask(n); err != nil {
					t.Fatal(err)
				}
				if m, err := op.Reveal(n, Paper); err != nil || m != Rock {
					t.Fatalf("Reveal(%d) = %v, %v", n, m, err)
				}
			}
			pid := op.PID()
			if err := op.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if alive(pid) || groupAlive(pid) {
				t.Errorf("opponent %d still alive after Close", pid)
			}
			if err := op.Close(); err != nil {
				t.Errorf("second Close: %v", err)
			}
		})
	}
}
