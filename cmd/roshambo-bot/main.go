// Command roshambo-bot is a roshambo opponent: it plays a strategy over the
// line protocol on stdin and stdout (see docs/protocol.md), lists the levels
// and strategies, or runs a round-robin tournament.
//
//	roshambo-bot [--strategy NAME | --level easy|medium|hard|expert] [--commit] [--seed N] [--explain]
//	roshambo-bot --list
//	roshambo-bot tournament [--rounds 1000] [--seed N] [--json] [--timeout 2s]
//	                        [--opponent "CMD ARGS" ...] [STRATEGY ...]
//	roshambo-bot help [tournament]
//
// Without --strategy or --level it plays the strongest strategy (expert).
// --explain writes, after each round, one line to stderr saying what the
// bot expected its opponent to throw and which predictor it followed (see
// docs/bots.md); stdout carries only the protocol.
//
// --help (or -h, or help) prints the usage on stdout; --version the version
// and VCS revision. Exit status: 0 on success (and on "quit" or end of
// input), 1 on a runtime error, 2 on bad usage (one line on stderr).
package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/game/tournament"
	"github.com/roshambo-game/roshambo/internal/cli"
	"github.com/roshambo-game/roshambo/internal/cmdline"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const prog = "roshambo-bot"

func run(args []string, stdin io.Reader, stdout *os.File, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "tournament":
			return runTournament(args[1:], stdout, stderr)
		case "help":
			return help(args[1:], stdin, stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("roshambo-bot", flag.ContinueOnError)
	name := fs.String("strategy", game.DefaultStrategy, "the strategy to play, by `NAME` (see --list)")
	var level levelFlag
	fs.Var(&level, "level", "play the strategy of a `LEVEL`: easy, medium, hard or expert (excludes --strategy)")
	commit := fs.Bool("commit", false, "commit mode: answer with sha256 commitments and reveal afterwards")
	seed := fs.Int64("seed", 0, "the random seed, an integer `N` (default: a random one)")
	explain := fs.Bool("explain", false, "after each round, explain the bot's move on stderr")
	explainFormat := fs.String("explain-format", "text", "how --explain writes, `FORMAT` text (for a person) or game: one\n\"roshambo-explain N ...\" line per round, which roshambo shows in its panel")
	list := fs.Bool("list", false, "list the levels and strategies, weakest first, and exit")
	usage := func(w io.Writer) {
		fmt.Fprint(w, "usage: roshambo-bot [--strategy NAME | --level LEVEL] [--commit] [--seed N] [--explain]\n"+
			"       roshambo-bot --list\n"+
			"       roshambo-bot tournament [flags] [STRATEGY ...]   (see roshambo-bot help tournament)\n"+
			"       roshambo-bot help [tournament]\n\n"+
			"Plays a strategy (by default the strongest, expert) over the line protocol on\n"+
			"stdin and stdout (docs/protocol.md). Exit codes: 0 done (quit or end of input),\n"+
			"1 a runtime error, 2 bad usage.\n\n")
		cli.WriteFlags(w, fs)
	}
	if p := cli.Parse(fs, prog, args, stdout, stderr, usage); p.Exit {
		return p.Code
	}
	if fs.NArg() > 0 {
		return cli.Fail(stderr, prog, "unexpected argument %q", fs.Arg(0))
	}
	if *list {
		if fs.NFlag() > 1 {
			return cli.Fail(stderr, prog, "--list excludes the other flags")
		}
		writeList(stdout)
		return 0
	}
	if flagSet(fs, "explain-format") && !*explain {
		return cli.Fail(stderr, prog, "--explain-format needs --explain")
	}
	if flagSet(fs, "level") {
		if flagSet(fs, "strategy") {
			return cli.Fail(stderr, prog, "--level and --strategy exclude each other (a level plays a strategy)")
		}
		*name = level.l.Strategy()
	}
	if !flagSet(fs, "seed") {
		*seed = randomSeed()
	}
	s, err := game.NewStrategy(*name, *seed)
	if err != nil {
		return cli.Fail(stderr, prog, "%v", err) // it names the strategy and the known ones
	}
	if *explainFormat != "text" && *explainFormat != "game" {
		return cli.Fail(stderr, prog, "--explain-format %s: must be text or game", *explainFormat)
	}
	if *explain {
		var ok bool
		if s, ok = game.Explaining(s, explainer(stderr, *explainFormat == "game")); !ok {
			return cli.Fail(stderr, prog, "--explain: strategy %s does not explain its moves (the levels' strategies do)", s.Name())
		}
	}
	if err := game.ServeBot(stdin, stdout, s, game.ServeOptions{Commit: *commit}); err != nil {
		fmt.Fprintf(stderr, "roshambo-bot: %v\n", err)
		return 1
	}
	return 0
}

// help is `roshambo-bot help [tournament]`: the usage of the bot, or of the
// tournament, on stdout.
func help(args []string, stdin io.Reader, stdout *os.File, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		return run([]string{"--help"}, stdin, stdout, stderr)
	case len(args) == 1 && args[0] == "tournament":
		return runTournament([]string{"--help"}, stdout, stderr)
	}
	return cli.Fail(stderr, prog, "help %s: no such command (commands: tournament, help)", strings.Join(args, " "))
}

// writeList prints the levels and the strategies, weakest first, one line
// each.
func writeList(w io.Writer) {
	fmt.Fprintf(w, "levels, weakest first (the game's default: %v):\n", game.DefaultLevel)
	for _, l := range game.Levels() {
		fmt.Fprintf(w, "  %-7s %-9s %s\n", l.Name, l.Strategy, l.Description)
	}
	fmt.Fprintf(w, "strategies, weakest first (the default: %s):\n", game.DefaultStrategy)
	for _, info := range game.StrategyNames() {
		fmt.Fprintf(w, "  %-9s %s\n", info.Name, info.Description)
	}
}

// levelFlag is --level: no default (--strategy's applies).
type levelFlag struct{ l game.Level }

func (f *levelFlag) String() string {
	if f == nil || f.l == 0 {
		return ""
	}
	return f.l.String()
}

func (f *levelFlag) Set(s string) error { return f.l.Set(s) }

// explainer returns what --explain does after each round: a sentence for a
// person, or the game's line (game.ExplanationLine).
func explainer(w io.Writer, forGame bool) func(int, game.Move, game.Move, game.Explanation) {
	return func(n int, mine, theirs game.Move, e game.Explanation) {
		if forGame {
			if line, err := game.ExplanationLine(n, e); err == nil {
				fmt.Fprintln(w, line)
			}
			return
		}
		verdict := map[game.Outcome]string{game.Win: "the bot wins", game.Draw: "a draw", game.Loss: "you win"}[game.Judge(mine, theirs)]
		fmt.Fprintf(w, "round %d: you threw %v, the bot threw %v, %s. It %s.\n", n, theirs, mine, verdict, e)
	}
}

// commands collects repeated --opponent flags.
type commands [][]string

func (c *commands) String() string {
	if c == nil || len(*c) == 0 {
		return ""
	}
	return fmt.Sprint(*c)
}
func (c *commands) Set(s string) error {
	argv, err := cmdline.Split(s)
	if err != nil {
		return err
	}
	if len(argv) == 0 {
		return errors.New("empty command")
	}
	*c = append(*c, argv)
	return nil
}

func runTournament(args []string, stdout, stderr io.Writer) int {
	const prog = "roshambo-bot tournament"
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	rounds := cli.Int(fs, "rounds", 1000, 1, 1_000_000, "`N` rounds per match, 1 to 1000000")
	seed := fs.Int64("seed", 1, "base seed `N` (the same seed gives the same tournament)")
	asJSON := fs.Bool("json", false, "print the result as JSON (snake_case keys)")
	timeout := cli.Duration(fs, "timeout", game.DefaultTimeout, time.Millisecond, time.Hour,
		"how long an external opponent may take per answer, a duration `D` from 1ms to 1h;\n"+
			"one that takes longer forfeits its match")
	var opps commands
	fs.Var(&opps, "opponent", "an external opponent's command line, \"`CMD` ARGS\" (repeatable;\nshell-like quoting, no expansions)")
	usage := func(w io.Writer) {
		fmt.Fprint(w, "usage: roshambo-bot tournament [flags] [STRATEGY ...]\n\n"+
			"Plays a round robin between the named built-in strategies (all of them if none\n"+
			"is named) and the --opponent commands. The standings are ranked\n"+
			tournament.RankingRule+"; a match within ±50 per 1000 rounds is a tie.\n"+
			"Exit codes: 0 done (a forfeited match is part of the result), 1 a runtime error, 2 bad usage.\n\n")
		cli.WriteFlags(w, fs)
	}
	if p := cli.Parse(fs, prog, args, stdout, stderr, usage); p.Exit {
		return p.Code
	}
	var entrants []tournament.Entrant
	names := fs.Args()
	if len(names) == 0 {
		for _, info := range game.StrategyNames() {
			names = append(names, info.Name)
		}
	}
	for _, n := range names {
		entrants = append(entrants, tournament.Entrant{Strategy: n})
	}
	for _, argv := range opps {
		entrants = append(entrants, tournament.Entrant{Command: argv})
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := tournament.Run(ctx, tournament.Config{Rounds: *rounds, Seed: *seed, Timeout: *timeout}, entrants)
	if err != nil {
		if errors.Is(err, game.ErrUnknownStrategy) || errors.Is(err, tournament.ErrTooFewEntrants) || errors.Is(err, tournament.ErrEntrant) {
			return cli.Fail(stderr, prog, "%v", err)
		}
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 1
	}
	if *asJSON {
		err = res.WriteJSON(stdout)
	} else {
		err = res.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "roshambo-bot: %v\n", err)
		return 1
	}
	return 0
}

// flagSet reports whether the flag called name was given.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func randomSeed() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return time.Now().UnixNano()
	}
	return int64(binary.LittleEndian.Uint64(b[:]))
}
