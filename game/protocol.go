package game

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MsgKind says what a protocol line is. See docs/protocol.md.
type MsgKind uint8

// The protocol's messages. The game sends Round, Opponent and Quit; the bot
// answers with Move or Commit, and with Reveal in commit mode.
const (
	MsgRound    MsgKind = iota + 1 // "round <n>"
	MsgOpponent                    // "opponent <n> <move>"
	MsgQuit                        // "quit"
	MsgMove                        // "<move>"
	MsgCommit                      // "commit <hex>"
	MsgReveal                      // "reveal <n> <move> <nonce>"
)

// Message is one parsed protocol line. Only the fields of its Kind are set.
type Message struct {
	Kind  MsgKind // what the line is
	Round int     // Round, Opponent, Reveal
	Move  Move    // Opponent, Move, Reveal
	Hash  string  // Commit: 64 lowercase hex digits
	Nonce string  // Reveal
}

// ErrSyntax is returned (wrapped) by ParseMessage for a line that is not a
// protocol message.
var ErrSyntax = errors.New("not a protocol message")

// Limits on protocol fields.
const (
	// MaxLine is the longest line either side accepts, newline excluded.
	MaxLine = 1024
	// MaxNonce is the longest nonce accepted in a reveal.
	MaxNonce = 256
	// MaxRound is the largest round number accepted.
	MaxRound = 1_000_000_000
)

// ParseMessage parses one protocol line. A trailing "\n" or "\r\n" and runs of
// white space between fields are tolerated; keywords and moves may be in
// any letter case (Unicode's lower-casing: see ClassifyLine, which shares
// this grammar); commitment hashes are normalised to lowercase. Errors wrap
// ErrSyntax and quote the line.
func ParseMessage(line string) (Message, error) {
	m, why := parseLine(line)
	switch why {
	case "":
		return m, nil
	case whyLong:
		return Message{}, fmt.Errorf("parse %.40q...: line longer than %d bytes: %w", line, MaxLine, ErrSyntax)
	}
	return Message{}, fmt.Errorf("parse %q: %s: %w", line, why, ErrSyntax)
}

// String formats the message as a protocol line, without the newline.
func (m Message) String() string {
	switch m.Kind {
	case MsgRound:
		return "round " + strconv.Itoa(m.Round)
	case MsgOpponent:
		return "opponent " + strconv.Itoa(m.Round) + " " + m.Move.String()
	case MsgQuit:
		return "quit"
	case MsgMove:
		return m.Move.String()
	case MsgCommit:
		return "commit " + m.Hash
	case MsgReveal:
		return "reveal " + strconv.Itoa(m.Round) + " " + m.Move.String() + " " + m.Nonce
	}
	return fmt.Sprintf("Message(kind %d)", m.Kind)
}

// Commitment returns the commit-mode hash of a move and a nonce: the
// lowercase hex SHA-256 of "<move>:<nonce>", e.g. sha256("rock:5f1c").
func Commitment(m Move, nonce string) string {
	sum := sha256.Sum256([]byte(m.String() + ":" + nonce))
	return hex.EncodeToString(sum[:])
}

func parseRound(s string) (int, bool) {
	if len(s) == 0 || len(s) > 10 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxRound {
		return 0, false
	}
	return n, true
}

func validNonce(s string) bool {
	if len(s) == 0 || len(s) > MaxNonce {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
