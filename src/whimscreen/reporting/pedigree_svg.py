"""A pedigree drawn as SVG with the standard symbols (Bennett et al., NSGC 2008): square male, circle female,
diamond sex unknown; filled = affected; a central dot = unaffected carrier of the familial variant; a slash =
deceased; an arrow marks the proband; "E+" / "E−" under a person tested for the familial variant; roman
numerals number the generations.  Deterministic, no external library."""

from __future__ import annotations

from xml.sax.saxutils import escape

from whimscreen.interpretation.pedigree import Pedigree, Person

SIZE, GAP_X, GAP_Y, LEFT, TOP = 30, 80, 100, 70, 40
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def _partners(ped: Pedigree, p: Person) -> list[str]:
    return list(
        dict.fromkeys(
            (c.mother if c.father == p.id else c.father)
            for c in ped.children(p.id)
            if (c.mother if c.father == p.id else c.father)
        )
    )


def _layout(ped: Pedigree) -> dict[str, tuple[float, float]]:
    """Generation by generation: people with parents under their parents (file order among sibs), each
    followed by the partners who married in, so no marriage line crosses a symbol."""
    gens = ped.generations()
    pos: dict[str, tuple[float, float]] = {}
    for g in sorted(set(gens.values())):
        members = [p for p in ped.persons if gens[p.id] == g]
        here = {p.id for p in members}

        def key(p: Person, i: int) -> float:
            parents = [pos[q][0] for q in (p.father, p.mother) if q in pos]
            return sum(parents) / len(parents) + i * 1e-3 if parents else 1e9 + i

        order: list[Person] = []
        for _, p in sorted(enumerate(members), key=lambda ip: key(ip[1], ip[0])):
            if p in order:
                continue
            order.append(p)
            for q in _partners(ped, p):
                partner = ped.by_id[q]
                if q in here and partner not in order and not (partner.father or partner.mother):
                    order.append(partner)
        x = LEFT
        for p in order:
            parents = [pos[q][0] for q in (p.father, p.mother) if q in pos]
            want = sum(parents) / len(parents) if parents else x
            x = max(x, want)
            pos[p.id] = (x, TOP + g * GAP_Y)
            x += GAP_X
    return pos


def _symbol(p: Person, x: float, y: float) -> list[str]:
    h = SIZE / 2
    fill = "#000" if p.affected else "#fff"
    if p.sex == "male":
        shape = f'<rect x="{x - h}" y="{y - h}" width="{SIZE}" height="{SIZE}" fill="{fill}" stroke="#000"/>'
    elif p.sex == "female":
        shape = f'<circle cx="{x}" cy="{y}" r="{h}" fill="{fill}" stroke="#000"/>'
    else:
        pts = f"{x},{y - h - 3} {x + h + 3},{y} {x},{y + h + 3} {x - h - 3},{y}"
        shape = f'<polygon points="{pts}" fill="{fill}" stroke="#000"/>'
    out = [shape]
    if p.carrier == "carrier" and not p.affected:
        out.append(f'<circle cx="{x}" cy="{y}" r="4" fill="#000"/>')
    if p.deceased:
        out.append(
            f'<line x1="{x - h - 6}" y1="{y + h + 6}" x2="{x + h + 6}" y2="{y - h - 6}" stroke="#000"/>'
        )
    if p.proband:
        ax, ay = x - h - 4, y + h + 4
        out.append(
            f'<line x1="{ax - 16}" y1="{ay + 16}" x2="{ax}" y2="{ay}" stroke="#000" stroke-width="2"/>'
            f'<polygon points="{ax},{ay} {ax - 9},{ay + 3} {ax - 3},{ay + 9}" fill="#000"/>'
            f'<text x="{ax - 26}" y="{ay + 26}" font-size="11">P</text>'
        )
    return out


def to_svg(ped: Pedigree, title: str | None = None) -> str:
    pos = _layout(ped)
    gens = ped.generations()
    width = max(x for x, _ in pos.values()) + LEFT
    height = max(y for _, y in pos.values()) + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, sans-serif" role="img">',
        f"<title>{escape(title or f'Pedigree of family {ped.family}')}</title>",
    ]
    couples: dict[tuple[str, str], list[Person]] = {}
    for p in ped.persons:
        if p.father or p.mother:
            couples.setdefault((p.father or "", p.mother or ""), []).append(p)
    for (father, mother), kids in couples.items():
        parents = [pos[q] for q in (father, mother) if q]
        if len(parents) == 2:
            (x1, y1), (x2, _) = parents
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y1}" stroke="#000"/>')
        mx = sum(x for x, _ in parents) / len(parents)
        py = parents[0][1]
        sib_y = py + GAP_Y / 2
        xs = [pos[k.id][0] for k in kids]
        drop = py if len(parents) == 2 else py + SIZE / 2 + 30  # one parent: start below the labels
        parts.append(f'<line x1="{mx}" y1="{drop}" x2="{mx}" y2="{sib_y}" stroke="#000"/>')
        parts.append(
            f'<line x1="{min(xs + [mx])}" y1="{sib_y}" x2="{max(xs + [mx])}" y2="{sib_y}" stroke="#000"/>'
        )
        for k in kids:
            kx, ky = pos[k.id]
            parts.append(f'<line x1="{kx}" y1="{sib_y}" x2="{kx}" y2="{ky - SIZE / 2}" stroke="#000"/>')
    numbers: dict[int, int] = {}
    for p in sorted(ped.persons, key=lambda q: pos[q.id]):
        x, y = pos[p.id]
        g = gens[p.id]
        numbers[g] = numbers.get(g, 0) + 1
        parts.extend(_symbol(p, x, y))
        label = f"{ROMAN[g] if g < len(ROMAN) else g + 1}-{numbers[g]} {p.id}"
        ty = y + SIZE / 2 + 14
        parts.append(f'<text x="{x}" y="{ty}" font-size="10" text-anchor="middle">{escape(label)}</text>')
        if p.carrier:
            mark = "E+" if p.carrier == "carrier" else "E\u2212"
            parts.append(
                f'<text x="{x}" y="{y + SIZE / 2 + 26}" font-size="10" text-anchor="middle">{mark}</text>'
            )
    for g in sorted(set(gens.values())):
        label = ROMAN[g] if g < len(ROMAN) else str(g + 1)
        parts.append(
            f'<text x="8" y="{TOP + g * GAP_Y + 4}" font-size="13" font-weight="bold">{label}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
