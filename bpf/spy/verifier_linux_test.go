package spy

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
)

// verifierBudget is the most instructions the verifier may process for one
// program: a quarter of the kernel's limit (1,000,000), so that a change
// that multiplies the verifier's states fails here, not on a user's kernel.
const verifierBudget = 250_000

// TestVerifierComplexity loads each program alone, with every option that
// adds code (a name filter, the doorbell), and checks how much work the
// verifier did. With SPY_VERIFIER_LOG=DIR it writes each program's verifier
// log there (to see where the states multiply).
func TestVerifierComplexity(t *testing.T) {
	requireSpy(t)
	logDir := os.Getenv("SPY_VERIFIER_LOG")
	for _, doorbell := range []uint8{0, 1} {
		spec, err := loadSpy()
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]any{spyVarUseComm: uint8(1), spyVarUseDoorbell: doorbell,
			spyVarCommFilter: [16]byte{'x'}} {
			if err := spec.Variables[name].Set(v); err != nil {
				t.Fatal(err)
			}
		}
		for name, prog := range spec.Programs {
			coll := &ebpf.CollectionSpec{Maps: spec.Maps, Programs: map[string]*ebpf.ProgramSpec{name: prog},
				Variables: spec.Variables, Types: spec.Types}
			opts := ebpf.CollectionOptions{}
			if logDir != "" {
				opts.Programs = ebpf.ProgramOptions{LogLevel: ebpf.LogLevelInstruction | ebpf.LogLevelStats, LogSizeStart: 1 << 28}
			}
			c, err := ebpf.NewCollectionWithOptions(coll, opts)
			var ve *ebpf.VerifierError
			if errors.As(err, &ve) && logDir != "" {
				os.WriteFile(logDir+"/"+name+".log", []byte(strings.Join(ve.Log, "\n")), 0o644)
			}
			if err != nil {
				t.Fatalf("%s (doorbell %d): %v", name, doorbell, err)
			}
			p := c.Programs[name]
			if logDir != "" {
				os.WriteFile(logDir+"/"+name+".log", []byte(p.VerifierLog), 0o644)
			}
			info, err := p.Info()
			if err != nil {
				t.Fatal(err)
			}
			n, ok := info.VerifiedInstructions()
			c.Close()
			if !ok {
				t.Logf("%s: the kernel does not report verified instructions", name)
				continue
			}
			t.Logf("%s (doorbell %d): %d instructions verified", name, doorbell, n)
			if n > verifierBudget {
				t.Errorf("%s (doorbell %d): the verifier processed %d instructions, more than %d", name, doorbell, n, verifierBudget)
			}
		}
	}
}
