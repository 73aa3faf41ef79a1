#!/usr/bin/env bash
# Per-capture results of `vigil pcap` on the public captures (docs/models.md, "Packet captures"):
#   scripts/pcap-results.sh [MODEL_DIR] [vigil pcap options, e.g. --no-rules]   (default models/traffic-packets)
# Prints a Markdown table: connections, connections flagged as attacks, share, families, median P(attack).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${1:-$root/models/traffic-packets}"
shift || true
data="${VIGIL_DATA_DIR:-$root/../shared/data}/traffic/pcaps"
vigil="$root/build/vigil"
echo "| capture | class (MANIFEST) | connections | flagged | share | families | median P(attack) |"
echo "|---|---|---:|---:|---:|---|---:|"
for f in syn_flood.pcap.gz random_syn_packets.pcap.gz syn_scan_1000ports_chrissanders.pcapng.gz \
         nmap_syn_scan_evilfingers.pcap.gz nmap_udp_scan_evilfingers.pcap.gz nmap_xmas_scan_evilfingers.pcap.gz \
         small_syn_portscan.pcap.gz ftp_bruteforce.pcap.gz http_dvwa_sqlinjection.pcapng.gz \
         no_flood_baseline.pcap.gz http_google_benign.pcapng.gz http_browsing_wireshark_org.pcapng.gz \
         http_download_benign.pcap.gz telnet_session_benign.pcap.gz; do
  class=$(grep -F "\`$f\`" "$data/MANIFEST.md" | head -1 | awk -F'|' '{gsub(/^ +| +$/, "", $3); print $3}')
  "$vigil" pcap --quiet --json --model "$model" "$@" "$data/$f" | python3 -c '
import json, sys
name, cls = sys.argv[1], sys.argv[2]
ps, summary = [], None
for line in sys.stdin:
    d = json.loads(line)
    if d.get("event_type") == "flow":
        ps.append(d["verdict"]["probability"])
    else:
        summary = d
ps.sort()
n = summary["connections"]
fam = ", ".join(f"{k} {v}" for k, v in sorted(summary["attacks_by_family"].items(), key=lambda kv: -kv[1]))
attacks = summary["attacks"]
short = name.split(".")[0]
fam = fam or "-"
print(f"| {short} | {cls} | {n} | {attacks} | {attacks / n:.0%} | {fam} | {ps[len(ps) // 2]:.2f} |")
' "$f" "$class"
done
