// Command roshambo is the roshambo game and its tools.
//
//	roshambo [play] [flags]      the game (see roshambo --help)
//	roshambo keys [flags]        the live key viewer
//	roshambo help [command]      usage
//
// main only dispatches: each command lives in a package under internal/ and
// returns its exit code.
package main

import (
	"io"
	"os"
	"strings"

	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/app"
	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/keyview"
	"github.com/roshambo-game/roshambo/internal/cli"
)

// command is a subcommand: its entry point (args after the name) and its
// usage text.
type command struct {
	run   func(args []string) int
	usage func(w io.Writer)
}

var commands = map[string]command{
	"play": {func(args []string) int { return app.Main(args, os.Stdout, os.Stderr) }, app.Usage},
	"keys": {func(args []string) int { return keyview.Main(args, os.Stdout, os.Stderr) }, keyview.Usage},
	// The hidden bot mode: roshambo re-executes itself as its own bot
	// when no roshambo-bot is found.
	app.BotCommand: {func(args []string) int { return app.BotMain(args, os.Stdin, os.Stdout, os.Stderr) }, nil},
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
	if name == "help" {
		return help(args)
	}
	cmd, ok := commands[name]
	if !ok {
		return cli.Fail(os.Stderr, "roshambo", "unknown command %q (commands: play, keys, help)", name)
	}
	return cmd.run(args)
}

// help prints the usage of the game, or of the command named in args.
func help(args []string) int {
	if len(args) == 0 {
		app.Usage(os.Stdout)
		return cli.ExitOK
	}
	cmd, ok := commands[args[0]]
	if !ok || cmd.usage == nil || len(args) > 1 {
		return cli.Fail(os.Stderr, "roshambo", "help %s: no such command (commands: play, keys)", strings.Join(args, " "))
	}
	cmd.usage(os.Stdout)
	return cli.ExitOK
}
