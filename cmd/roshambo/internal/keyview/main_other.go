//go:build !linux

package keyview

import (
	"io"

	"github.com/roshambo-game/roshambo/internal/cli"
)

// Main parses the flags (--help and --version work), then says in one line
// that the key viewer needs Linux and returns ExitUsage.
func Main(args []string, stdout, stderr io.Writer) int {
	if _, done, code := ParseFlags(args, stdout, stderr); done {
		return code
	}
	return cli.Unsupported(stderr, "roshambo keys", "its terminal input uses epoll")
}
