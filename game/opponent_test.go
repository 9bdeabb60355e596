package game

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/roshambo-game/roshambo/internal/testutil"
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

// ask sends "round n" and receives the answer.
func ask(t *testing.T, op *Opponent, n int) (Message, error) {
	t.Helper()
	if err := op.Send(Message{Kind: MsgRound, Round: n}); err != nil {
		return Message{}, err
	}
	return op.Receive()
}

func TestOpponentRoundTrip(t *testing.T) {
	for _, mode := range []string{"bot", "commitbot"} {
		t.Run(mode, func(t *testing.T) {
			checkNoLeaks(t)
			commit := mode == "commitbot"
			op, err := StartOpponent(context.Background(), helperArgv(t, mode), OpponentOptions{Timeout: slowStart})
			if err != nil {
				t.Fatal(err)
			}
			pid := op.PID()
			if pid <= 0 || !alive(pid) {
				t.Fatalf("PID %d is not a live process", pid)
			}
			// First a round by hand, message by message.
			a, err := ask(t, op, 1)
			if err != nil {
				t.Fatal(err)
			}
			if commit && a.Kind != MsgCommit || !commit && (a.Kind != MsgMove || !a.Move.Valid()) {
				t.Fatalf("answer %+v in mode %s", a, mode)
			}
			if err := op.Send(Message{Kind: MsgOpponent, Round: 1, Move: Rock}); err != nil {
				t.Fatal(err)
			}
			bm := a.Move
			if commit {
				rv, err := op.Receive()
				if err != nil || rv.Kind != MsgReveal || rv.Round != 1 || Commitment(rv.Move, rv.Nonce) != a.Hash {
					t.Fatalf("reveal %+v, %v does not open the commitment %s", rv, err, a.Hash)
				}
				bm = rv.Move
			}
			// Then a whole match against a cycling strategy, which the
			// iocaine bot must crush.
			m := NewMatch(Rounds(200))
			if _, err := m.Record(Rock, bm); err != nil {
				t.Fatal(err)
			}
			rules := Rules{MustCommit: [2]bool{Bot: commit}}
			if err := PlayOpponent(context.Background(), &cycleStrategy{}, op, m, rules); err != nil {
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
		played  int      // rounds recorded before (or with) the failure
		details []string // substrings of the error message
		// referee: the Referee, not the Opponent, found the fault: the
		// process lives on until Close.
		referee bool
	}{
		{"hang", false, 150 * time.Millisecond, ErrTimeout, 0, []string{"round 1", "no answer within 150ms"}, false},
		{"slow", false, 100 * time.Millisecond, ErrTimeout, 0, []string{"round 1"}, false},
		{"die", false, 0, ErrOpponentExited, 3, []string{"round 4", "exit status 3", "out of cheese"}, false},
		{"garbage", false, 0, ErrMalformed, 2, []string{"round 3", `"banana split"`}, false},
		// The broken commitment forfeits round 1.
		{"badreveal", true, 0, ErrCommitMismatch, 1, []string{"round 1", "reveal 1 paper n0nce"}, true},
		{"bot", true, 0, ErrMalformed, 0, []string{"want a commitment"}, true},
		{"chatty", false, 0, ErrMalformed, 2, []string{"round 3", "unsolicited", `"rock"`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			checkNoLeaks(t)
			timeout := tt.timeout
			if timeout == 0 {
				timeout = slowStart // not testing timeouts: allow a slow start
			}
			op, err := StartOpponent(context.Background(), helperArgv(t, tt.mode), OpponentOptions{Timeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			defer op.Close()
			m := NewMatch(Rounds(10))
			err = PlayOpponent(context.Background(), constant(Rock), op, m, Rules{MustCommit: [2]bool{Bot: tt.commit}})
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			for _, s := range tt.details {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			var oe *OpponentError
			if !errors.As(err, &oe) || oe.Side != Bot {
				t.Errorf("error %v is not an *OpponentError blaming the bot side", err)
			}
			if m.Played() != tt.played {
				t.Errorf("%d rounds kept, want %d", m.Played(), tt.played)
			}
			if tt.want == ErrCommitMismatch {
				if r, _ := m.Last(); !r.Forfeit || r.Outcome != Win {
					t.Errorf("last round %+v, want a forfeit won by the human side", r)
				}
			}
			if tt.referee {
				op.Close()
			} else {
				// The error sticks.
				if err2 := op.Send(Message{Kind: MsgRound, Round: m.Played() + 1}); !errors.Is(err2, tt.want) {
					t.Errorf("Send after the failure: %v", err2)
				}
				if _, err2 := op.Receive(); !errors.Is(err2, tt.want) {
					t.Errorf("Receive after the failure: %v", err2)
				}
			}
			if alive(op.PID()) {
				t.Errorf("opponent %d still alive after the error", op.PID())
			}
		})
	}
}

// TestOpponentPoll drives an opponent the way an event loop does: Send never
// waits, Notify wakes the loop, Poll never blocks; the opponent's death is
// reported by Poll without anything being sent.
func TestOpponentPoll(t *testing.T) {
	checkNoLeaks(t)
	wake := make(chan struct{}, 1)
	notify := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	op, err := StartOpponent(context.Background(), helperArgv(t, "die"), OpponentOptions{Timeout: slowStart, Notify: notify})
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	if _, ok, err := op.Poll(); ok || err != nil {
		t.Fatalf("Poll before anything was said = %v, %v", ok, err)
	}
	next := func() (Message, error) {
		t.Helper()
		for {
			msg, ok, err := op.Poll()
			if ok || err != nil {
				return msg, err
			}
			select {
			case <-wake:
			case <-time.After(slowStart):
				t.Fatal("Notify was never called")
			}
		}
	}
	for n := 1; n <= 3; n++ {
		if err := op.Send(Message{Kind: MsgRound, Round: n}); err != nil {
			t.Fatal(err)
		}
		if msg, err := next(); err != nil || msg.Kind != MsgMove || msg.Move != Rock {
			t.Fatalf("round %d: %+v, %v", n, msg, err)
		}
		if err := op.Send(Message{Kind: MsgOpponent, Round: n, Move: Paper}); err != nil {
			t.Fatal(err)
		}
	}
	// Asked for round 4, the helper exits 3: Poll reports it with its status.
	if err := op.Send(Message{Kind: MsgRound, Round: 4}); err != nil {
		t.Fatal(err)
	}
	_, err = next()
	var oe *OpponentError
	if !errors.As(err, &oe) || !errors.Is(err, ErrOpponentExited) || oe.Exit != "exit status 3" || oe.Round != 4 {
		t.Fatalf("Poll after the exit: %v (%+v)", err, oe)
	}
	if _, _, err2 := op.Poll(); err2 != err {
		t.Errorf("the failure does not stick: %v", err2)
	}
}

// TestOpponentKilledIsNoticed: a process killed while nobody waits for it is
// reported by Poll (after Notify), not at the next exchange.
func TestOpponentKilledIsNoticed(t *testing.T) {
	checkNoLeaks(t)
	wake := make(chan struct{}, 1)
	op, err := StartOpponent(context.Background(), helperArgv(t, "hang"), OpponentOptions{Timeout: time.Hour, Notify: func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	if err := syscall.Kill(op.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wake:
	case <-time.After(slowStart):
		t.Fatal("the kill was never notified")
	}
	var err2 error
	for err2 == nil {
		_, _, err2 = op.Poll()
		if err2 == nil {
			<-wake
		}
	}
	if !errors.Is(err2, ErrOpponentExited) || !strings.Contains(err2.Error(), "signal: killed") {
		t.Errorf("Poll: %v, want the exit by signal", err2)
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
	_, err = ask(t, op, 1)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Receive after cancel: %v", err)
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
	_, err = ask(t, op, 1)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Receive: %v", err)
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
		strings.Count(err.Error(), "/nonexistent/bot") != 1 {
		t.Errorf("missing binary: %v (want its name, once)", err)
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
	cmd.Env = append(os.Environ(), testutil.RoleEnviron("helper", "commitbot"))
	op, err := StartOpponent(context.Background(), nil, OpponentOptions{Cmd: cmd, Timeout: slowStart})
	if err != nil {
		t.Fatal(err)
	}
	defer op.Close()
	m := NewMatch(Rounds(3))
	if err := PlayOpponent(context.Background(), constant(Paper), op, m, Rules{MustCommit: [2]bool{Bot: true}}); err != nil {
		t.Fatalf("a commit-mode match against the prebuilt command's environment: %v", err)
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
			m := NewMatch(Rounds(2))
			if err := PlayOpponent(context.Background(), constant(Paper), op, m, Rules{}); err != nil || m.Score().HumanWins != 2 {
				t.Fatalf("match: %v, score %+v", err, m.Score())
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

// TestOpponentStderrLines: StderrLine sees each line of the opponent's
// stderr; the lines it consumes stay out of the tail that errors quote.
func TestOpponentStderrLines(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	tb := &tailBuffer{line: func(l string) bool {
		mu.Lock()
		seen = append(seen, l)
		mu.Unlock()
		return strings.HasPrefix(l, "roshambo-explain ")
	}}
	for _, chunk := range []string{"warming up\nroshambo-explain 1 mo", "ve=rock\n", "out of cheese"} {
		if n, err := tb.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", chunk, n, err)
		}
	}
	if want := []string{"warming up", "roshambo-explain 1 move=rock"}; !reflect.DeepEqual(seen, want) {
		t.Errorf("lines seen %q, want %q", seen, want)
	}
	if got := tb.tail(); got != "warming up\nout of cheese" {
		t.Errorf("tail %q", got)
	}
}
