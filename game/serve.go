package game

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// ServeOptions configure ServeBot.
type ServeOptions struct {
	// Commit makes the bot answer "commit <hex>" and reveal its move and
	// nonce after the opponent's move arrives.
	Commit bool
	// Nonce is the source of the 16 random bytes of each nonce; nil means
	// crypto/rand. Tests may pass a fixed reader.
	Nonce io.Reader
}

// ServeBot plays strategy s as the bot side of the opponent protocol: it
// reads the game's lines from in and writes its answers to out until "quit"
// or the end of in, and then returns nil.
//
// Each answer line (newline included) is written with exactly one out.Write
// call; with an *os.File that is one write(2), which the spy relies on. Do
// not wrap out in a bufio.Writer.
//
// Lines that are not "round", "opponent" or "quit" are ignored, as the
// protocol requires, and so is an "opponent" line for a round that was not
// asked. A repeated "round n" gets the same answer again. ServeBot returns an
// error only when reading or writing fails.
func ServeBot(in io.Reader, out io.Writer, s Strategy, opts ServeOptions) error {
	nonceSrc := opts.Nonce
	if nonceSrc == nil {
		nonceSrc = rand.Reader
	}
	r := bufio.NewReaderSize(in, 4096)
	var (
		round   int  // the last round asked
		move    Move // our move for it
		nonce   string
		updated bool // the opponent's move for round has been learned
		buf     []byte
	)
	send := func(msg Message) error {
		buf = append(append(buf[:0], msg.String()...), '\n')
		n, err := out.Write(buf)
		if err == nil && n != len(buf) {
			err = io.ErrShortWrite
		}
		if err != nil {
			return fmt.Errorf("serve bot: write %q: %w", msg.String(), err)
		}
		return nil
	}
	answer := func() error {
		if !opts.Commit {
			return send(Message{Kind: MsgMove, Move: move})
		}
		return send(Message{Kind: MsgCommit, Hash: Commitment(move, nonce)})
	}
	for {
		line, err := readLine(r)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if errors.Is(err, errLongLine) {
			continue // not a message we understand: ignore it
		}
		if err != nil {
			return fmt.Errorf("serve bot: read: %w", err)
		}
		msg, err := ParseMessage(line)
		if err != nil {
			continue
		}
		switch msg.Kind {
		case MsgQuit:
			return nil
		case MsgRound:
			if msg.Round != round || move == NoMove {
				round, move, updated = msg.Round, s.Next(), false
				if opts.Commit {
					var raw [16]byte
					if _, err := io.ReadFull(nonceSrc, raw[:]); err != nil {
						return fmt.Errorf("serve bot: nonce: %w", err)
					}
					nonce = hex.EncodeToString(raw[:])
				}
			}
			if err := answer(); err != nil {
				return err
			}
		case MsgOpponent:
			if msg.Round != round || move == NoMove {
				continue
			}
			if !updated {
				s.Update(move, msg.Move)
				updated = true
			}
			if opts.Commit {
				if err := send(Message{Kind: MsgReveal, Round: round, Move: move, Nonce: nonce}); err != nil {
					return err
				}
			}
		}
	}
}

var errLongLine = errors.New("line too long")

// readLine reads one line without its "\n" (or "\r\n"). A line longer than
// MaxLine is consumed and reported as errLongLine. At the end of input a
// final unterminated line is returned before io.EOF.
func readLine(r *bufio.Reader) (string, error) {
	var long []byte
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if !tooLong && len(long)+len(chunk) <= MaxLine+2 {
				long = append(long, chunk...)
			} else {
				tooLong, long = true, nil
			}
			continue
		}
		if tooLong || len(long)+len(chunk) > MaxLine+2 {
			if err != nil && len(chunk) == 0 {
				return "", err
			}
			return "", errLongLine
		}
		line := string(append(long, chunk...))
		if err != nil {
			if line != "" && err == io.EOF {
				return trimEOL(line), nil
			}
			return "", err
		}
		return trimEOL(line), nil
	}
}

func trimEOL(s string) string {
	if len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '\r' {
		s = s[:len(s)-1]
	}
	return s
}
