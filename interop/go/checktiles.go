// checktiles reads a chiptrail ledger published as C2SP tlog-tiles (`chiptrail ledger publish --tiles DIR`)
// with Go's golang.org/x/mod/sumdb/tlog, the tiling code the C2SP text was drawn from, and checks it
// independently of chiptrail:
//
//	go run checktiles.go DIR [OLD-CHECKPOINT]
//
//   - every entry bundle (big-endian uint16 length-prefixed entries; a 33-byte entry 0x00 ‖ SHA-256 is a
//     chiptrail large-entry reference, resolved from tile/entries/large/<hex> and checked against its name),
//   - tlog.TreeHash over the entries equals the checkpoint's root,
//   - every hash tile of the checkpoint's tree is byte for byte tlog.ReadTileData of the same tile (height 8;
//     the C2SP path is tlog's Tile.Path without its "8/" height element),
//   - tlog.TileHashReader over the published tiles (which authenticates every tile it loads against the tree)
//     proves records with tlog.ProveRecord / CheckRecord, and, with OLD-CHECKPOINT, proves the old tree a
//     prefix of the published one with tlog.ProveTree / CheckTree.
//
// It prints "go tiles OK: <size> entries, <n> tiles, <m> large entries" (and "consistent with <old size>")
// and exits 0, or prints the first difference and exits 1.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", args...)
	os.Exit(1)
}

// c2spPath is tlog's tile path without the height element: tile/8/L/N[.p/W] → tile/L/N[.p/W].
func c2spPath(t tlog.Tile) string {
	return strings.Replace(t.Path(), fmt.Sprintf("tile/%d/", height), "tile/", 1)
}

// checkpoint parses the first three lines of a checkpoint note: origin, tree size, base64 root.
func checkpoint(note []byte) (int64, tlog.Hash) {
	lines := strings.SplitN(string(note), "\n", 4)
	if len(lines) < 4 {
		fail("a checkpoint has fewer than three lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		fail("checkpoint root: not a base64 SHA-256")
	}
	var h tlog.Hash
	copy(h[:], raw)
	return size, h
}

type hashReader []tlog.Hash

func (h hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x >= int64(len(h)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = h[x]
	}
	return out, nil
}

// dirTiles serves the published hash tiles to tlog.TileHashReader.
type dirTiles struct {
	dir   string
	reads int
}

func (d *dirTiles) Height() int { return height }

func (d *dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := os.ReadFile(filepath.Join(d.dir, c2spPath(t)))
		if err != nil {
			return nil, err
		}
		d.reads++
		out[i] = b
	}
	return out, nil
}

func (d *dirTiles) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: checktiles DIR [OLD-CHECKPOINT]")
		os.Exit(64)
	}
	dir := os.Args[1]
	note, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		fail("%v", err)
	}
	size, root := checkpoint(note)

	// Entry bundles → record hashes → tlog's stored hashes.
	var stored hashReader
	large := 0
	for n := int64(0); n*(1<<height) < size; n++ {
		w := size - n*(1<<height)
		if w > 1<<height {
			w = 1 << height
		}
		t := tlog.Tile{H: height, L: 0, N: n, W: int(w)}
		path := strings.Replace(c2spPath(t), "tile/0/", "tile/entries/", 1)
		data, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil {
			fail("%v", err)
		}
		count := int64(0)
		for len(data) > 0 {
			if len(data) < 2 {
				fail("%s: a length prefix is cut off", path)
			}
			l := int(data[0])<<8 | int(data[1])
			if len(data) < 2+l {
				fail("%s: an entry runs past the end", path)
			}
			entry := data[2 : 2+l]
			data = data[2+l:]
			if l > 0 && entry[0] == 0x00 {
				if l != 1+sha256.Size {
					fail("%s: an entry starts with 0x00 but is not a large-entry reference", path)
				}
				name := hex.EncodeToString(entry[1:])
				line, err := os.ReadFile(filepath.Join(dir, "tile/entries/large", name))
				if err != nil {
					fail("%v", err)
				}
				if sum := sha256.Sum256(line); !bytes.Equal(sum[:], entry[1:]) {
					fail("tile/entries/large/%s does not hash to its name", name)
				}
				entry = line
				large++
			}
			hs, err := tlog.StoredHashes(n*(1<<height)+count, entry, stored)
			if err != nil {
				fail("%v", err)
			}
			stored = append(stored, hs...)
			count++
		}
		if count != w {
			fail("%s holds %d entries, the tree needs %d", path, count, w)
		}
	}
	got, err := tlog.TreeHash(size, stored)
	if err != nil {
		fail("%v", err)
	}
	if got != root {
		fail("tlog.TreeHash of the entries is %x, the checkpoint signs %x", got[:], root[:])
	}

	// Every tile of the tree, as tlog computes it.
	tiles := 0
	for level := 0; size>>(height*level) > 0; level++ {
		hashes := size >> (height * level)
		for n := int64(0); n<<height < hashes; n++ {
			w := hashes - n<<height
			if w > 1<<height {
				w = 1 << height
			}
			t := tlog.Tile{H: height, L: level, N: n, W: int(w)}
			want, err := tlog.ReadTileData(t, stored)
			if err != nil {
				fail("%v", err)
			}
			have, err := os.ReadFile(filepath.Join(dir, c2spPath(t)))
			if err != nil {
				fail("%v", err)
			}
			if !bytes.Equal(have, want) {
				fail("%s differs from tlog.ReadTileData", c2spPath(t))
			}
			tiles++
		}
	}

	// Proofs from the published tiles alone, each tile authenticated against the tree by TileHashReader.
	tree := tlog.Tree{N: size, Hash: root}
	reader := &dirTiles{dir: dir}
	thr := tlog.TileHashReader(tree, reader)
	for _, i := range []int64{0, size / 2, size - 1} {
		p, err := tlog.ProveRecord(size, i, thr)
		if err != nil {
			fail("ProveRecord(%d): %v", i, err)
		}
		leaf, _ := stored.ReadHashes([]int64{tlog.StoredHashIndex(0, i)})
		if err := tlog.CheckRecord(p, size, root, i, leaf[0]); err != nil {
			fail("CheckRecord(%d): %v", i, err)
		}
	}
	fmt.Printf("go tiles OK: %d entries, %d tiles, %d large entries\n", size, tiles, large)

	if len(os.Args) > 2 {
		old, err := os.ReadFile(os.Args[2])
		if err != nil {
			fail("%v", err)
		}
		oldSize, oldRoot := checkpoint(old)
		if oldSize > size {
			fail("the old checkpoint (size %d) is larger than the published one (size %d)", oldSize, size)
		}
		p, err := tlog.ProveTree(size, oldSize, thr)
		if err != nil {
			fail("ProveTree(%d, %d): %v", size, oldSize, err)
		}
		if err := tlog.CheckTree(p, size, root, oldSize, oldRoot); err != nil {
			fail("CheckTree: the tree of size %d is not a prefix of the published tree: %v", oldSize, err)
		}
		fmt.Printf("consistent with %d\n", oldSize)
	}
}
