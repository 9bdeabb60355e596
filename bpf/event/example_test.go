package event_test

import (
	"fmt"

	"github.com/roshambo-game/roshambo/bpf/event"
)

func ExampleRecognize() {
	for _, line := range []string{"paper\n", "commit 9f86d081\n", "rocket\n"} {
		r := event.Recognize([]byte(line), false)
		switch {
		case r.Commit:
			fmt.Printf("%q: commitment %s (move hidden)\n", line, r.Commitment)
		case r.Move != event.MoveNone:
			fmt.Printf("%q: %s\n", line, r.Move)
		default:
			fmt.Printf("%q: no move\n", line)
		}
	}
	// Output:
	// "paper\n": paper
	// "commit 9f86d081\n": commitment 9f86d081 (move hidden)
	// "rocket\n": no move
}

func ExampleDecode() {
	in := &event.Event{Kind: event.KindWrite, PID: 42, TID: 42, Syscall: event.SysWrite, FD: 1, Requested: 5, Ret: 5, Data: []byte("rock\n")}
	rec := event.Append(nil, in) // what the kernel puts in the ring buffer

	var ev event.Event // reused for every record
	if err := event.Decode(rec, &ev); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ev.PID, ev.Syscall, ev.FD, ev.Ret, ev.Reveal().Move)
	// Output: 42 write 1 5 rock
}
