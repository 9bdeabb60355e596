//go:build amd64 || arm64

package breakdown

import (
	"slices"
	"testing"

	"github.com/cilium/ebpf"

	"github.com/roshambo-game/roshambo/internal/sysnum"
)

// TestObjects parses both committed objects, whatever the host: each has
// what the Go side assigns (the generated breakdownSpecs), and sys_exit
// reads the system call number from that architecture's register once
// relocated against the kernel's struct pt_regs. Loading is tested as root,
// on the host's architecture only.
func TestObjects(t *testing.T) {
	for goarch, file := range map[string]string{"amd64": "breakdown_x86_bpfel.o", "arm64": "breakdown_arm64_bpfel.o"} {
		t.Run(goarch, func(t *testing.T) {
			spec, err := ebpf.LoadCollectionSpec(file)
			if err != nil {
				t.Fatal(err)
			}
			var specs breakdownSpecs
			if err := spec.Assign(&specs); err != nil {
				t.Fatalf("%s lacks what the Go side assigns: %v", file, err)
			}
			regs, ok := sysnum.RegsOf(goarch)
			if !ok {
				t.Fatalf("no register table for %s", goarch)
			}
			got, err := sysnum.PtRegsOffsets(specs.HandleSysExit, spec.Types, goarch)
			if err != nil {
				t.Fatal(err)
			}
			if want := []uint32{regs.Nr.Offset}; !slices.Equal(got, want) {
				t.Errorf("handle_sys_exit reads pt_regs at %v, the %s table says %v", got, goarch, want)
			}
		})
	}
}
