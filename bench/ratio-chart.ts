/** A horizontal bar chart (SVG) of advantage ratios, with a line at 1x (parity with the baseline). */
export function ratioChartSvg(rows: { label: string; ratio: number }[]): string {
  const barHeight = 22;
  const labelWidth = 600;
  const plotWidth = 360;
  const finite = rows.map((r) => (Number.isFinite(r.ratio) ? r.ratio : 0));
  const max = Math.max(2, ...finite) * 1.1;
  const x = (v: number): number => labelWidth + (v / max) * plotWidth;
  const height = rows.length * barHeight + 40;
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const bars = rows
    .map((r, i) => {
      const y = 20 + i * barHeight;
      const v = finite[i] ?? 0;
      const colour = v >= 1 ? '#2e8b57' : '#c0392b';
      return [
        `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${esc(r.label)}</text>`,
        `<rect x="${labelWidth}" y="${y + 3}" width="${Math.max(1, x(v) - labelWidth).toFixed(1)}" height="${barHeight - 6}" fill="${colour}"/>`,
        `<text x="${(x(v) + 4).toFixed(1)}" y="${y + 15}">${Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}x` : 'n/a'}</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 70}" height="${height}" font-family="sans-serif" font-size="12">
<line x1="${x(1)}" y1="10" x2="${x(1)}" y2="${height - 15}" stroke="#555" stroke-dasharray="4 3"/>
<text x="${x(1) + 3}" y="${height - 4}">1x = baseline</text>
${bars}
</svg>
`;
}
