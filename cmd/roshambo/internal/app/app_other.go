//go:build !linux

package app

import (
	"io"

	"github.com/roshambo-game/roshambo/internal/cli"
)

// Main parses the flags (--help and --version work), then says in one line
// that the game needs Linux and returns ExitUsage. The hidden bot mode
// (BotMain) works everywhere.
func Main(args []string, stdout, stderr io.Writer) int {
	if _, done, code := ParseFlags(args, stdout, stderr); done {
		return code
	}
	return cli.Unsupported(stderr, "roshambo", "its terminal input uses epoll")
}
