package main

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"github.com/oktsec/oktsec/bench"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Series colours: colour-blind-safe (Okabe–Ito).
var palette = []color.Color{
	color.RGBA{0, 114, 178, 255},   // blue
	color.RGBA{213, 94, 0, 255},    // vermillion
	color.RGBA{0, 158, 115, 255},   // green
	color.RGBA{204, 121, 167, 255}, // purple
	color.RGBA{230, 159, 0, 255},   // orange
	color.RGBA{86, 180, 233, 255},  // sky
}

// errXYs are points with asymmetric vertical error bars (median, min, max of the runs).
type errXYs struct {
	plotter.XYs
	plotter.YErrors
}

func (e *errXYs) add(x float64, s Stat) {
	if !s.OK() || !(s.Median > 0) {
		return
	}
	e.XYs = append(e.XYs, plotter.XY{X: x, Y: s.Median})
	e.YErrors = append(e.YErrors, struct{ Low, High float64 }{s.Median - s.Min, s.Max - s.Median})
}

// addSeries draws points (and a line through them when line is set) with min–max error bars.
func addSeries(p *plot.Plot, name string, pts *errXYs, i int, line bool) error {
	if len(pts.XYs) == 0 {
		return nil
	}
	c := palette[i%len(palette)]
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return err
	}
	sc.GlyphStyle.Color = c
	sc.GlyphStyle.Radius = vg.Points(3.5)
	sc.GlyphStyle.Shape = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}, draw.RingGlyph{}}[i%6]
	eb, err := plotter.NewYErrorBars(pts)
	if err != nil {
		return err
	}
	eb.LineStyle.Color = c
	eb.LineStyle.Width = vg.Points(1.2)
	p.Add(eb, sc)
	if line {
		l, err := plotter.NewLine(pts.XYs)
		if err != nil {
			return err
		}
		l.LineStyle.Color = c
		l.LineStyle.Width = vg.Points(1.2)
		p.Add(l)
		p.Legend.Add(name, l, sc)
	} else {
		p.Legend.Add(name, sc)
	}
	return nil
}

func newPlot(title, xlabel, ylabel string, logY bool) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = true
	return p
}

// padLog widens a log axis to whole decades around the data.
func padLog(a *plot.Axis) {
	if a.Min > 0 {
		a.Min = math.Pow(10, math.Floor(math.Log10(a.Min)))
		a.Max = math.Pow(10, math.Ceil(math.Log10(a.Max)+0.3))
	}
}

// throughputPlot: whole-input MB/s per corpus and size, engine and naive (and 4 KiB stream).
func throughputPlot(run *Run) (*plot.Plot, error) {
	p := newPlot("Throughput per backend and corpus", "corpus / input size", "MB/s (log)", true)
	var labels []string
	eng, nai, str := &errXYs{}, &errXYs{}, &errXYs{}
	x := 0.0
	for _, c := range []string{"prose", "json", "mcp"} {
		for _, size := range []string{"1KiB", "64KiB", "1MiB"} {
			e := run.Get(fmt.Sprintf("Throughput/corpus=%s/size=%s/backend=engine", c, size))
			if e == nil {
				continue
			}
			eng.add(x-0.15, mbps(e))
			if n := run.Get(fmt.Sprintf("Throughput/corpus=%s/size=%s/backend=naive", c, size)); n != nil {
				nai.add(x+0.15, mbps(n))
			}
			if s := run.Get(fmt.Sprintf("Stream/corpus=%s/size=%s/write=4KiB", c, size)); s != nil {
				str.add(x, mbps(s))
			}
			labels = append(labels, c+"\n"+size)
			x++
		}
	}
	if len(labels) == 0 {
		return nil, nil
	}
	for i, s := range []struct {
		name string
		pts  *errXYs
	}{{"engine (whole input)", eng}, {"engine (stream, 4 KiB writes)", str}, {"naive regexp per rule", nai}} {
		if err := addSeries(p, s.name, s.pts, i, false); err != nil {
			return nil, err
		}
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.6, float64(len(labels))-0.4
	padLog(&p.Y)
	return p, nil
}

// speedupPlot: gate ratios from this run against their floors.
func speedupPlot(run *Run, floors *bench.Floors) (*plot.Plot, error) {
	p := newPlot("Speed-up over naive (gate cases) vs floors", "gate case", "baseline ÷ subject (log)", true)
	var labels []string
	got, fl := &errXYs{}, plotter.XYs{}
	for i, c := range bench.GateCases {
		s, b := run.Get(c.Subject), run.Get(c.Baseline)
		labels = append(labels, shortCase(c.Name))
		if s != nil && b != nil {
			r := ratioOf(s.Stat("ns/op"), b.Stat("ns/op"))
			got.add(float64(i), Stat{N: 1, Median: r.Median, Min: r.Low, Max: r.High})
		}
		if floors != nil {
			if f, ok := floors.Floor(c.Name); ok {
				fl = append(fl, plotter.XY{X: float64(i), Y: f})
			}
		}
	}
	if len(got.XYs) == 0 {
		return nil, nil
	}
	if err := addSeries(p, "measured (min–max)", got, 0, false); err != nil {
		return nil, err
	}
	if len(fl) > 0 {
		sc, err := plotter.NewScatter(fl)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Shape = draw.BoxGlyph{}
		sc.GlyphStyle.Color = palette[1]
		sc.GlyphStyle.Radius = vg.Points(4)
		p.Add(sc)
		p.Legend.Add("floor (bench/floors.json)", sc)
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.6, float64(len(labels))-0.4
	padLog(&p.Y)
	return p, nil
}

func shortCase(name string) string {
	switch name {
	case "stream-json-64KiB-4KiB-writes":
		return "stream json\n64KiB/4KiB"
	}
	for i := len(name) - 1; i > 0; i-- {
		if name[i] == '-' {
			return name[:i] + "\n" + name[i+1:]
		}
	}
	return name
}

// streamPlot: streaming MB/s by write size.
func streamPlot(run *Run) (*plot.Plot, error) {
	p := newPlot("Streaming throughput by write size", "write size", "MB/s", false)
	writes := []string{"256B", "4KiB", "64KiB"}
	i := 0
	for _, c := range []string{"prose", "json"} {
		for _, size := range []string{"64KiB", "1MiB"} {
			pts := &errXYs{}
			for x, w := range writes {
				if s := run.Get(fmt.Sprintf("Stream/corpus=%s/size=%s/write=%s", c, size, w)); s != nil {
					pts.add(float64(x), mbps(s))
				}
			}
			if err := addSeries(p, c+" "+size, pts, i, true); err != nil {
				return nil, err
			}
			i++
		}
	}
	if i == 0 || len(run.Suite("Stream")) == 0 {
		return nil, nil
	}
	p.NominalX(writes...)
	p.X.Min, p.X.Max = -0.3, float64(len(writes))-0.7
	p.Y.Min = 0
	p.Y.Max *= 1.25
	p.Y.Tick.Marker = linearTicks{}
	return p, nil
}

// linearTicks labels about six round values (1, 2 or 5 times a power of ten apart).
type linearTicks struct{}

func (linearTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) {
		return nil
	}
	raw := (max - min) / 6
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ts []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+step/1e6; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return ts
}

// latencyPlot: per-message latency percentiles by message size, log–log.
func latencyPlot(run *Run) (*plot.Plot, error) {
	rs := run.Suite("Latency")
	if len(rs) == 0 {
		return nil, nil
	}
	p := newPlot("Scan latency per MCP message", "message size", "µs per message (log)", true)
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = sizeTicks{}
	for i, q := range []struct{ unit, name string }{{"p50-ns", "p50"}, {"p90-ns", "p90"}, {"p99-ns", "p99"}, {"ns/op", "mean"}} {
		pts := &errXYs{}
		for _, r := range rs {
			n := sizeBytes(r.Param("size"))
			if n <= 0 {
				continue
			}
			pts.add(float64(n), r.Stat(q.unit).Scale(1e-3))
		}
		if err := addSeries(p, q.name, pts, i, true); err != nil {
			return nil, err
		}
	}
	padLog(&p.Y)
	p.X.Min /= 1.5
	p.X.Max *= 1.5
	return p, nil
}

// sizeTicks marks powers of four in byte units.
type sizeTicks struct{}

func (sizeTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for v := 64.0; v <= max*1.01; v *= 4 {
		if v >= min {
			ts = append(ts, plot.Tick{Value: v, Label: bench.SizeName(int(v))})
		}
	}
	return ts
}

func sizeBytes(s string) int {
	var n int
	var unit string
	if _, err := fmt.Sscanf(s, "%d%s", &n, &unit); err != nil {
		return 0
	}
	switch unit {
	case "KiB":
		return n << 10
	case "MiB":
		return n << 20
	case "B":
		return n
	}
	return 0
}

// WriteChart draws the panels that have data in a 2×2 grid as PNG.
func WriteChart(w io.Writer, run *Run, floors *bench.Floors) error {
	var panels []*plot.Plot
	for _, mk := range []func() (*plot.Plot, error){
		func() (*plot.Plot, error) { return throughputPlot(run) },
		func() (*plot.Plot, error) { return speedupPlot(run, floors) },
		func() (*plot.Plot, error) { return streamPlot(run) },
		func() (*plot.Plot, error) { return latencyPlot(run) },
	} {
		p, err := mk()
		if err != nil {
			return err
		}
		if p != nil {
			panels = append(panels, p)
		}
	}
	if len(panels) == 0 {
		return fmt.Errorf("no benchmark results to chart")
	}
	cols := min(2, len(panels))
	rows := (len(panels) + cols - 1) / cols
	img := vgimg.NewWith(vgimg.UseWH(vg.Length(cols)*8*vg.Inch, vg.Length(rows)*5.5*vg.Inch), vgimg.UseDPI(100))
	dc := draw.New(img)
	// White background.
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	for i, p := range panels {
		grid[i/cols][i%cols] = p
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(18), PadY: vg.Points(18),
		PadTop: vg.Points(10), PadBottom: vg.Points(10), PadLeft: vg.Points(10), PadRight: vg.Points(10)}
	canvases := plot.Align(grid, tiles, dc)
	for r := range grid {
		for c, p := range grid[r] {
			if p != nil {
				p.Draw(canvases[r][c])
			}
		}
	}
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}
