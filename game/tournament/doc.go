// Package tournament runs round-robin RoShamBo tournaments between built-in
// strategies and external opponent processes, in the manner of the
// International RoShamBo Programming Competitions: every pair plays one match
// of a fixed number of rounds, a match is scored by wins minus losses, and a
// match within ±50 per 1000 rounds counts as a tie.
package tournament
