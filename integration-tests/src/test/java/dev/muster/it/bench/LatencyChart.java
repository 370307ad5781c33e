package dev.muster.it.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.category.ScatterRenderer;
import org.jfree.data.statistics.BoxAndWhiskerCalculator;
import org.jfree.data.statistics.BoxAndWhiskerItem;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.statistics.DefaultMultiValueCategoryDataset;

/**
 * Latency distributions side by side, as a PNG: a box per distribution (quartiles, the
 * median, whiskers to 1.5 times the interquartile range) over every sample as a dot.
 */
public final class LatencyChart {

    private static final String SERIES = "latency";
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private LatencyChart() {}

    /** @param distributions each distribution by its name, in the order they are drawn from left to right */
    public static void write(Path png, String title, Map<String, LatencyStats> distributions) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultBoxAndWhiskerCategoryDataset boxes = new DefaultBoxAndWhiskerCategoryDataset();
        DefaultMultiValueCategoryDataset samples = new DefaultMultiValueCategoryDataset();
        distributions.forEach((name, stats) -> {
            boxes.add(withoutOutliers(stats.millis()), SERIES, name);
            samples.add(List.copyOf(stats.millis()), SERIES, name);
        });

        BoxAndWhiskerRenderer boxRenderer = new BoxAndWhiskerRenderer();
        boxRenderer.setMeanVisible(false);
        boxRenderer.setFillBox(false);
        boxRenderer.setMaximumBarWidth(0.25);
        boxRenderer.setMaxOutlierVisible(false);
        boxRenderer.setMinOutlierVisible(false);
        boxRenderer.setDefaultToolTipGenerator(null);
        boxRenderer.setSeriesPaint(0, Color.DARK_GRAY);
        boxRenderer.setSeriesOutlinePaint(0, Color.DARK_GRAY);
        boxRenderer.setSeriesStroke(0, new BasicStroke(1.5f));
        ScatterRenderer dotRenderer = new ScatterRenderer();
        dotRenderer.setUseSeriesOffset(false);
        dotRenderer.setSeriesPaint(0, new Color(31, 119, 180, 150));

        NumberAxis millis = new NumberAxis("milliseconds");
        millis.setAutoRangeIncludesZero(true);
        CategoryPlot plot = new CategoryPlot(boxes, new CategoryAxis(), millis, boxRenderer);
        plot.setDataset(1, samples);
        plot.setRenderer(1, dotRenderer);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }

    /**
     * The box of {@code millis} without its outliers: every sample shows as a dot already, and
     * the renderer would draw each outlier again as a circle sized to the plot, not the data.
     */
    private static BoxAndWhiskerItem withoutOutliers(List<Double> millis) {
        BoxAndWhiskerItem box = BoxAndWhiskerCalculator.calculateBoxAndWhiskerStatistics(millis);
        return new BoxAndWhiskerItem(
                box.getMean(),
                box.getMedian(),
                box.getQ1(),
                box.getQ3(),
                box.getMinRegularValue(),
                box.getMaxRegularValue(),
                box.getMinOutlier(),
                box.getMaxOutlier(),
                List.of());
    }
}
