package ring_test

import (
	"fmt"

	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/ring"
)

func ExampleBuffer() {
	b, err := ring.New(64 << 10)
	if err != nil {
		panic(err)
	}
	// Producer: read(2) straight into the reserved space, then publish.
	buf := b.Reserve()
	n := copy(buf, "\x1b[A") // stands for unix.Read(fd, buf)
	b.Commit(n, ring.Meta{Time: input.Now(), Drained: n < len(buf)})

	// Consumer: look at the oldest chunk, use it, free it.
	if c, ok := b.Peek(); ok {
		fmt.Printf("%q drained=%v\n", c.Data, c.Drained)
		b.Release()
	}
	fmt.Printf("%+v\n", b.Stats())
	// Output:
	// "\x1b[A" drained=true
	// {Bytes:3 Chunks:1 Full:0}
}
