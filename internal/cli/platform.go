package cli

import (
	"fmt"
	"io"
	"runtime"
)

// Unsupported reports in one line on stderr that prog (a program, or a
// program's command) runs only on Linux, because of what (e.g. "epoll and
// raw-mode terminal input"), names the platform it was started on, and
// returns ExitUsage: the programs build everywhere, and their Linux-only
// parts say so instead of failing to compile.
func Unsupported(stderr io.Writer, prog, what string) int {
	fmt.Fprintf(stderr, "%s: runs only on Linux (%s), not on %s/%s\n", prog, what, runtime.GOOS, runtime.GOARCH)
	return ExitUsage
}
