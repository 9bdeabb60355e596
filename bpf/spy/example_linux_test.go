package spy_test

import (
	"errors"
	"fmt"
	"log"
	"os/exec"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/bpf/spy"
)

// Launch a command and print the moves it writes, until it exits. (Not run:
// it needs CAP_BPF and CAP_PERFMON.)
func Example() {
	s, err := spy.Open(spy.Options{})
	if errors.Is(err, spy.ErrNoPrivilege) {
		log.Fatal(err) // names CAP_BPF and/or CAP_PERFMON
	}
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	cmd := exec.Command("sh", "-c", "echo rock; echo commit 9f86d081")
	if err := s.Launch(cmd); err != nil {
		log.Fatal(err)
	}
	defer cmd.Wait()

	var ev event.Event // reused for every event
	for {
		err := s.Read(&ev)
		if errors.Is(err, spy.ErrTargetsExited) {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		switch r := ev.Reveal(); {
		case r.Commit:
			fmt.Printf("%d: commitment %s (move hidden)\n", ev.PID, r.Commitment)
		case r.Move != event.MoveNone:
			fmt.Printf("%d: %s\n", ev.PID, r.Move)
		}
	}
	if n, err := s.Dropped(); err == nil && n > 0 {
		fmt.Printf("%d events lost\n", n)
	}
}
