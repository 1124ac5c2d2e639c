package io.kvmha.simulation.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A small headless scatter/line chart drawn with java.awt and written as PNG: linear axes with round ticks, one or
 * more series (points, optionally joined), horizontal reference lines (goals) and a legend. Enough for the benchmark
 * figures without a plotting library.
 */
final class Chart {

    /** One series: points in data coordinates. */
    record Series(String label, Color color, List<double[]> points, boolean joined) {
    }

    /** A horizontal line at {@code y}, e.g. a goal. */
    record Reference(String label, Color color, double y) {
    }

    static final Color BLUE = new Color(31, 119, 180);
    static final Color ORANGE = new Color(255, 127, 14);
    static final Color GREEN = new Color(44, 160, 44);
    static final Color RED = new Color(214, 39, 40);
    static final Color PURPLE = new Color(148, 103, 189);
    static final Color GREY = new Color(127, 127, 127);
    static final Color GOLD = new Color(212, 160, 23);
    static final Color SILVER = new Color(120, 120, 140);
    static final Color BRONZE = new Color(176, 101, 40);

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();

    Chart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    Chart add(Series s) {
        series.add(s);
        return this;
    }

    Chart reference(Reference r) {
        references.add(r);
        return this;
    }

    void write(Path file) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        double[] xr = range(true);
        double[] yr = range(false);
        double[] xt = ticks(xr[0], xr[1]);
        double[] yt = ticks(yr[0], yr[1]);
        xr = new double[] {xt[0], xt[xt.length - 1]};
        yr = new double[] {yt[0], yt[yt.length - 1]};
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (double t : yt) {
            int y = TOP + plotH - (int) Math.round((t - yr[0]) / (yr[1] - yr[0]) * plotH);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String s = label(t);
            g.drawString(s, LEFT - 8 - fm.stringWidth(s), y + 4);
        }
        for (double t : xt) {
            int x = LEFT + (int) Math.round((t - xr[0]) / (xr[1] - xr[0]) * plotW);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x, TOP, x, TOP + plotH);
            g.setColor(Color.DARK_GRAY);
            String s = label(t);
            g.drawString(s, x - fm.stringWidth(s) / 2, TOP + plotH + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotW, plotH);
        for (Reference r : references) {
            int y = TOP + plotH - (int) Math.round((r.y() - yr[0]) / (yr[1] - yr[0]) * plotH);
            g.setColor(r.color());
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.drawString(r.label(), LEFT + plotW - fm.stringWidth(r.label()) - 4, y - 4);
        }
        g.setStroke(new BasicStroke(2f));
        for (Series s : series) {
            g.setColor(s.color());
            int[] prev = null;
            for (double[] p : s.points()) {
                int x = LEFT + (int) Math.round((p[0] - xr[0]) / (xr[1] - xr[0]) * plotW);
                int y = TOP + plotH - (int) Math.round((p[1] - yr[0]) / (yr[1] - yr[0]) * plotH);
                if (s.joined() && prev != null) {
                    g.drawLine(prev[0], prev[1], x, y);
                }
                g.fillOval(x - 3, y - 3, 7, 7);
                prev = new int[] {x, y};
            }
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        fm = g.getFontMetrics();
        g.drawString(xLabel, LEFT + plotW / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 18);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(TOP + plotH / 2) - fm.stringWidth(yLabel) / 2, 20);
        rotated.dispose();
        int ly = TOP + 16;
        for (Series s : series) {
            g.setColor(s.color());
            g.fillOval(LEFT + 12, ly - 8, 9, 9);
            g.setColor(Color.BLACK);
            g.drawString(s.label(), LEFT + 28, ly);
            ly += 18;
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private double[] range(boolean x) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                min = Math.min(min, p[x ? 0 : 1]);
                max = Math.max(max, p[x ? 0 : 1]);
            }
        }
        if (!x) {
            for (Reference r : references) {
                max = Math.max(max, r.y());
            }
            min = Math.min(min, 0);
        }
        if (!Double.isFinite(min)) {
            return new double[] {0, 1};
        }
        if (max <= min) {
            max = min + 1;
        }
        return new double[] {min, max};
    }

    /** About five round ticks covering [min, max]. */
    static double[] ticks(double min, double max) {
        double raw = (max - min) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= raw) {
                step = m * magnitude;
                break;
            }
        }
        double first = Math.floor(min / step) * step;
        double last = Math.ceil(max / step) * step;
        int n = (int) Math.round((last - first) / step) + 1;
        double[] ticks = new double[n];
        for (int i = 0; i < n; i++) {
            ticks[i] = first + i * step;
        }
        return ticks;
    }

    private static String label(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9) {
            return Long.toString(Math.round(v));
        }
        return String.format(java.util.Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }
}
