// The owner's picture: the funnel as bars (sessions per step, with the rate from the previous
// step) above the daily conversion rate as columns, in one self-contained SVG.
import type { Row } from "./local-lake";

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const percent = (rate: unknown) => (typeof rate === "number" ? `${(rate * 100).toFixed(1)}%` : "–");
const width = 720;

function funnelPanel(funnel: Row[], top: number): { svg: string; height: number } {
  const max = Math.max(1, ...funnel.map((r) => Number(r.sessions)));
  const bar = 28;
  const parts = [`<text x="20" y="${top + 20}" class="title">Funnel: sessions reaching each step</text>`];
  funnel.forEach((r, i) => {
    const y = top + 36 + i * (bar + 10);
    const w = Math.round((Number(r.sessions) / max) * 440);
    parts.push(
      `<text x="150" y="${y + 19}" text-anchor="end">${escapeXml(String(r.event_type))}</text>`,
      `<rect x="160" y="${y}" width="${w}" height="${bar}" class="bar"><title>${escapeXml(String(r.event_type))}: ${r.sessions} sessions</title></rect>`,
      `<text x="${168 + w}" y="${y + 19}">${r.sessions}${i > 0 ? ` (${percent(r.rate_from_previous)} of previous)` : ""}</text>`,
    );
  });
  return { svg: parts.join("\n"), height: 36 + funnel.length * (bar + 10) + 20 };
}

function conversionPanel(days: Row[], top: number): { svg: string; height: number } {
  const plot = 160;
  const parts = [`<text x="20" y="${top + 20}" class="title">Conversion by day (sessions with a purchase)</text>`];
  if (days.length === 0) {
    parts.push(`<text x="20" y="${top + 50}">No sessions in this window.</text>`);
    return { svg: parts.join("\n"), height: 70 };
  }
  const max = Math.max(0.01, ...days.map((d) => Number(d.conversion_rate)));
  const slot = Math.min(80, Math.floor((width - 80) / days.length));
  const base = top + 40 + plot;
  parts.push(`<line x1="40" y1="${base}" x2="${40 + slot * days.length}" y2="${base}" class="axis"/>`);
  days.forEach((d, i) => {
    const h = Math.round((Number(d.conversion_rate) / max) * plot);
    const x = 40 + i * slot + 4;
    parts.push(
      `<rect x="${x}" y="${base - h}" width="${slot - 8}" height="${h}" class="bar"><title>${escapeXml(String(d.day))}: ${d.purchasing_sessions} of ${d.sessions} sessions</title></rect>`,
      `<text x="${x + (slot - 8) / 2}" y="${base - h - 4}" text-anchor="middle">${percent(d.conversion_rate)}</text>`,
      `<text x="${x + (slot - 8) / 2}" y="${base + 16}" text-anchor="middle" class="small">${escapeXml(String(d.day).slice(5))}</text>`,
    );
  });
  return { svg: parts.join("\n"), height: 40 + plot + 36 };
}

export function chartSvg(funnel: Row[], conversion: Row[], caption: string): string {
  const f = funnelPanel(funnel, 10);
  const c = conversionPanel(conversion, 10 + f.height);
  const height = 10 + f.height + c.height + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Funnel and daily conversion">`,
    `<style>text{font:13px sans-serif;fill:#222}.title{font-weight:bold;font-size:15px}.small{font-size:11px}.bar{fill:#3b6ea8}.axis{stroke:#888}</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    f.svg,
    c.svg,
    `<text x="20" y="${height - 10}" class="small">${escapeXml(caption)}</text>`,
    `</svg>`,
    "",
  ].join("\n");
}
