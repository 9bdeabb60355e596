package input_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/roshambo-game/roshambo/input"
)

func ExampleNewReader() {
	// A pipe stands in for the terminal (use the tty fd, in raw mode).
	pr, pw, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	defer pr.Close()
	defer pw.Close()
	r, err := input.NewReader(int(pr.Fd()), input.ReaderOptions{})
	if err != nil {
		panic(err)
	}
	pw.Write([]byte("\x1b[A"))

	// The consumer loop: one goroutine calls Next and Release.
	deadline := input.Now() + 5e9 // e.g. the decoder's ESC fallback; 0 = none
	for {
		c, err := r.Next(deadline)
		if errors.Is(err, input.ErrDeadline) {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%q, captured %v\n", c.Data, c.Time > 0)
		r.Release() // c.Data is invalid from here on
		r.Close()   // any goroutine; Next then returns ErrClosed
	}
	// Output:
	// "\x1b[A", captured true
	// input: reader closed
}
