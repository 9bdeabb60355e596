package event_test

import (
	"fmt"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/game"
)

func ExampleRecognize() {
	commit := "commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
	for _, line := range []string{"paper\n", "SC\u0130SSORS\n", commit, "I play rock\n"} {
		r := event.Recognize([]byte(line), false)
		switch {
		case r.Commit:
			fmt.Printf("%.16q: commitment %.8s... (move hidden)\n", line, r.Commitment)
		case r.Move != game.NoMove:
			fmt.Printf("%+q: %s\n", line, r.Move)
		default:
			fmt.Printf("%q: no move (the game rejects the line)\n", line)
		}
	}
	// Output:
	// "paper\n": paper
	// "SC\u0130SSORS\n": scissors
	// "commit 9f86d0818": commitment 9f86d081... (move hidden)
	// "I play rock\n": no move (the game rejects the line)
}

// Lines written in several calls are reassembled per process and
// descriptor, with every call's time.
func ExampleAssembler() {
	a := event.NewAssembler()
	for i, part := range []string{"ro", "ck\npa", "per\n"} {
		ev := &event.Event{Kind: event.KindWrite, PID: 42, FD: 1, TimeNS: uint64(100 + i), Ret: int64(len(part)), Data: []byte(part)}
		for _, l := range a.Add(ev) {
			fmt.Printf("%q from calls at %v: %s\n", l.Text, l.Times, l.Reveal().Move)
		}
	}
	// Output:
	// "rock\n" from calls at [100 101]: rock
	// "paper\n" from calls at [101 102]: paper
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
