// Command roshambo is the roshambo game and its tools.
//
//	roshambo [play] [flags]          the game (see roshambo --help)
//	roshambo keys [--escdelay MS]    the live key viewer
//
// main only dispatches: each command lives in a package under internal/ and
// returns its exit code.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/app"
	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/keyview"
)

// commands maps a subcommand to its entry point (args after the name).
var commands = map[string]func(args []string) int{
	"keys":         func(args []string) int { return keyview.Main(args, os.Stderr) },
	"play":         func(args []string) int { return app.Main(args, os.Stdout, os.Stderr) },
	app.BotCommand: func(args []string) int { return app.BotMain(args, os.Stdin, os.Stdout, os.Stderr) },
}

// defaultCommand runs when the first argument is not a command name (none,
// or a flag): the game.
const defaultCommand = "play"

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	name := defaultCommand
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "roshambo: unknown command %q (commands: keys, play)\n", name)
		return 2
	}
	return cmd(args)
}
