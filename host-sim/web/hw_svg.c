/*
 * hw_svg.c -- charts drawn by the server as inline SVG (no script, no
 * external library): a stacked bar chart with an axis, sparse labels, a
 * legend and a <title> on every bar so hovering shows its value.  Colours
 * come from CSS classes, since the Content-Security-Policy forbids inline
 * styles.
 */
#include <stdio.h>

#include "hw_internal.h"

void
hw_svg_bars(struct hw_buf *b, const char *title, int width, int height,
            const char *const *labels, size_t n_points,
            const struct hw_series *series, size_t n_series)
{
  const int top = 8, bottom = 18, left = 34, legend = 150;
  int plot_w = width - left - legend, plot_h = height - top - bottom;
  int64_t max = 0;
  size_t i, k;

  for(i = 0; i < n_points; i++) {
    int64_t sum = 0;

    for(k = 0; k < n_series; k++)
      sum += series[k].v[i] > 0 ? series[k].v[i] : 0;
    if(sum > max)
      max = sum;
  }
  if(max == 0)
    max = 1;
  hw_rawf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
          "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
          "aria-label=\"", width, height, width, height);
  hw_text(b, title);
  hw_raw(b, "\"><title>");
  hw_text(b, title);
  hw_raw(b, "</title>");
  hw_rawf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
          left, top + plot_h, left + plot_w, top + plot_h);
  hw_rawf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>",
          left - 4, top + 8, (long long)max);
  hw_rawf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>",
          left - 4, top + plot_h);
  for(i = 0; i < n_points && plot_w > 0; i++) {
    int slot = plot_w / (int)n_points, x = left + (int)i * slot + 1;
    int bw = slot > 3 ? slot - 2 : 1, y = top + plot_h;

    for(k = 0; k < n_series; k++) {
      int64_t v = series[k].v[i] > 0 ? series[k].v[i] : 0;
      int hgt = (int)(v * plot_h / max);

      if(!v)
        continue;
      if(hgt < 1)
        hgt = 1;
      y -= hgt;
      hw_raw(b, "<rect class=\"");
      hw_text(b, series[k].cls);
      hw_rawf(b, "\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>",
              x, y, bw, hgt);
      hw_text(b, series[k].name);
      if(labels && labels[i]) {
        hw_raw(b, " at ");
        hw_text(b, labels[i]);
      }
      hw_rawf(b, ": %lld</title></rect>", (long long)v);
    }
    if(labels && labels[i]) {
      hw_rawf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
              x + bw / 2, top + plot_h + 13);
      hw_text(b, labels[i]);
      hw_raw(b, "</text>");
    }
  }
  for(k = 0; k < n_series; k++) {
    int ly = top + 6 + (int)k * 16;

    hw_raw(b, "<rect class=\"");
    hw_text(b, series[k].cls);
    hw_rawf(b, "\" x=\"%d\" y=\"%d\" width=\"10\" height=\"10\"/>",
            left + plot_w + 14, ly);
    hw_rawf(b, "<text x=\"%d\" y=\"%d\">", left + plot_w + 30, ly + 9);
    hw_text(b, series[k].name);
    hw_raw(b, "</text>");
  }
  hw_raw(b, "</svg>");
}
