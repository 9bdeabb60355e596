//go:build amd64 || arm64

package spy

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/btf"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/internal/sysnum"
)

// objects are the committed bpf2go objects, by GOARCH.
var objects = map[string]string{"amd64": "spy_x86_bpfel.o", "arm64": "spy_arm64_bpfel.o"}

// TestObjects parses every committed object, whatever the host: each has
// every program, map and variable that the Go side assigns (the generated
// spySpecs), with the same sections, the event layout that package event
// decodes, and its struct pt_regs accesses land on the registers of that
// architecture's table (internal/sysnum) once relocated against the kernel's
// layout. Loading them is tested as root, on the host's architecture only.
func TestObjects(t *testing.T) {
	sections := map[string]map[string]string{}
	for goarch, file := range objects {
		t.Run(goarch, func(t *testing.T) {
			spec, err := ebpf.LoadCollectionSpec(file)
			if err != nil {
				t.Fatal(err)
			}
			var specs spySpecs
			if err := spec.Assign(&specs); err != nil {
				t.Fatalf("%s lacks what the Go side assigns: %v", file, err)
			}
			sections[goarch] = map[string]string{}
			for name, p := range spec.Programs {
				sections[goarch][name] = p.SectionName
			}
			checkEventLayout(t, spec)

			regs, ok := sysnum.RegsOf(goarch)
			if !ok {
				t.Fatalf("no register table for %s", goarch)
			}
			enter := []uint32{regs.Args[0].Offset, regs.Args[1].Offset, regs.Args[2].Offset,
				regs.CompatArgs[0].Offset, regs.CompatArgs[1].Offset, regs.CompatArgs[2].Offset}
			exit := []uint32{regs.Nr.Offset}
			if regs.Mode != nil {
				enter = append(enter, regs.Mode.Offset)
				exit = append(exit, regs.Mode.Offset)
			}
			for prog, want := range map[string][]uint32{"on_sys_enter": enter, "on_sys_exit": exit} {
				got, err := sysnum.PtRegsOffsets(spec.Programs[prog], spec.Types, goarch)
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(want)
				if want = slices.Compact(want); !slices.Equal(got, want) {
					t.Errorf("%s reads pt_regs at %v, the %s table says %v", prog, got, goarch, want)
				}
			}
		})
	}
	if a, b := fmt.Sprint(sections["amd64"]), fmt.Sprint(sections["arm64"]); a != b {
		t.Errorf("the objects' programs differ:\namd64 %s\narm64 %s", a, b)
	}
}

// checkEventLayout checks the object's struct event against the offsets at
// which package event decodes it.
func checkEventLayout(t *testing.T, spec *ebpf.CollectionSpec) {
	t.Helper()
	var st *btf.Struct
	if err := spec.Types.TypeByName("event", &st); err != nil {
		t.Fatal(err)
	}
	if st.Size != event.HeaderSize {
		t.Errorf("struct event is %d bytes, package event says %d", st.Size, event.HeaderSize)
	}
	want := map[string]uint32{"ts_ns": 0, "ret": 8, "count": 16, "tgid": 24, "tid": 28, "fd": 32,
		"data_len": 36, "entry_len": 38, "syscall": 40, "kind": 42, "op": 43, "flags": 44, "comm": 48}
	for _, m := range st.Members {
		if off, ok := want[m.Name]; ok && m.Offset.Bytes() != off {
			t.Errorf("field %s at %d, package event reads it at %d", m.Name, m.Offset.Bytes(), off)
		}
		delete(want, m.Name)
	}
	if len(want) != 0 {
		t.Errorf("fields missing from struct event: %v", want)
	}
}
