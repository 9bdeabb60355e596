// Command roshambo-bot is a roshambo opponent: it plays a strategy over the
// line protocol on stdin and stdout (see docs/protocol.md), lists the
// strategies, or runs a round-robin tournament.
//
//	roshambo-bot [--strategy NAME] [--commit] [--seed N]
//	roshambo-bot --list
//	roshambo-bot tournament [--rounds 1000] [--seed N] [--json] [--timeout 2s]
//	                        [--opponent "CMD ARGS" ...] [STRATEGY ...]
//
// Exit status: 0 on success (and on "quit" or end of input), 1 on a runtime
// error, 2 on bad usage.
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
	"github.com/roshambo-game/roshambo/internal/cmdline"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout *os.File, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "tournament" {
		return runTournament(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("roshambo-bot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("strategy", game.DefaultStrategy, "strategy to play (see --list)")
	commit := fs.Bool("commit", false, "commit mode: answer with sha256 commitments and reveal afterwards")
	seed := fs.Int64("seed", 0, "random seed (default: a random one)")
	list := fs.Bool("list", false, "list the strategies and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: roshambo-bot [--strategy NAME] [--commit] [--seed N]\n"+
			"       roshambo-bot --list\n"+
			"       roshambo-bot tournament [--rounds 1000] [--seed N] [--json] [--opponent \"CMD ARGS\" ...] [STRATEGY ...]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "roshambo-bot: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if *list {
		for _, info := range game.StrategyNames() {
			fmt.Fprintf(stdout, "%-9s %s\n", info.Name, info.Description)
		}
		return 0
	}
	if !seedSet(fs) {
		*seed = randomSeed()
	}
	s, err := game.NewStrategy(*name, *seed)
	if err != nil {
		fmt.Fprintf(stderr, "roshambo-bot: %v\n", err)
		return 2
	}
	if err := game.ServeBot(stdin, stdout, s, game.ServeOptions{Commit: *commit}); err != nil {
		fmt.Fprintf(stderr, "roshambo-bot: %v\n", err)
		return 1
	}
	return 0
}

// commands collects repeated --opponent flags.
type commands [][]string

func (c *commands) String() string { return fmt.Sprint(*c) }
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
	fs := flag.NewFlagSet("roshambo-bot tournament", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rounds := fs.Int("rounds", 1000, "rounds per match")
	seed := fs.Int64("seed", 1, "base seed (the same seed gives the same tournament)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	timeout := fs.Duration("timeout", game.DefaultTimeout, "per-answer timeout for external opponents")
	var opps commands
	fs.Var(&opps, "opponent", "an external opponent's command line (repeatable)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: roshambo-bot tournament [flags] [STRATEGY ...]\n\n"+
			"Plays a round robin between the named built-in strategies (all of them if none\n"+
			"is named) and the --opponent commands.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *rounds <= 0 {
		fmt.Fprintln(stderr, "roshambo-bot tournament: --rounds must be positive")
		return 2
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
		fmt.Fprintf(stderr, "roshambo-bot: %v\n", err)
		if errors.Is(err, game.ErrUnknownStrategy) || strings.Contains(err.Error(), "entrant") {
			return 2
		}
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

func seedSet(fs *flag.FlagSet) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "seed" })
	return set
}

func randomSeed() int64 {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return time.Now().UnixNano()
	}
	return int64(binary.LittleEndian.Uint64(b[:]))
}
