package spy_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/bpf/spy"
	"github.com/roshambo-game/roshambo/game"
)

// Launch a command and print the moves it writes, line by line as the game
// reads them, until it exits. (Not run: it needs CAP_BPF and CAP_PERFMON.)
func Example() {
	s, err := spy.Open(spy.Options{})
	if errors.Is(err, spy.ErrNoPrivilege) {
		log.Fatal(err) // names CAP_BPF and/or CAP_PERFMON
	}
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	cmd := exec.Command("sh", "-c", "echo rock; printf 'pa'; printf 'per\\n'")
	if err := s.Launch(cmd); err != nil {
		log.Fatal(err)
	}
	defer cmd.Wait()

	lines := event.NewAssembler() // a line may come in several writes
	var ev event.Event            // reused for every event
	for {
		err := s.Read(&ev)
		if errors.Is(err, spy.ErrTargetsExited) {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		for _, l := range lines.Add(&ev) {
			switch r := l.Reveal(); {
			case r.Changed:
				fmt.Printf("%d rewrote its buffer during the write: %v at entry, %v at exit\n", l.PID, r.Entry.Move, r.Exit.Move)
			case r.Commit:
				fmt.Printf("%d: commitment %s (move hidden)\n", l.PID, r.Commitment)
			case r.Move != game.NoMove:
				fmt.Printf("%d: %s (confident: %v)\n", l.PID, r.Move, r.Confident())
			}
		}
	}
	if n, err := s.Dropped(); err == nil && n > 0 {
		fmt.Printf("%d events lost\n", n)
	}
}

// Watch the pipe that a bot writes its answers to, whoever writes into it:
// a helper that the bot passed the pipe to is reported too (ByInode). (Not
// run: it needs CAP_BPF and CAP_PERFMON.)
func ExampleSpy_WatchFile() {
	s, err := spy.Open(spy.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	r, w, err := os.Pipe() // the bot's stdout: the game reads r
	if err != nil {
		log.Fatal(err)
	}
	if err := s.WatchFile(r); err != nil {
		log.Fatal(err)
	}
	bot := exec.Command("roshambo-bot")
	bot.Stdout = w
	if err := s.Launch(bot); err != nil {
		log.Fatal(err)
	}
	w.Close()
	var ev event.Event
	for s.Read(&ev) == nil {
		if ev.Kind == event.KindWrite && (ev.ByInode || ev.PID == uint32(bot.Process.Pid) && ev.FD == 1) {
			fmt.Printf("%d wrote %q into the bot's stdout\n", ev.PID, ev.Data)
		}
	}
}
