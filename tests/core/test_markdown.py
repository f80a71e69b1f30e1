from app.core.markdown import plain_excerpt, plain_text, render_markdown


def test_markdown_renders_and_sanitises():
    html = render_markdown(
        "# Judul\n\n**Kerja bakti** [link](javascript:alert(1)) <script>alert(1)</script>"
        ' <img src=x onerror="alert(1)"> <span style="color:red">x</span>\n\n| a | b |\n|---|---|\n| 1 | 2 |'
    )
    assert "<h1>Judul</h1>" in html
    assert "<strong>Kerja bakti</strong>" in html
    assert "<table>" in html
    # raw HTML is escaped as text and a javascript: link is not made a link
    assert "href=" not in html
    assert "<script" not in html and "<img" not in html and "<span" not in html
    assert "&lt;script&gt;" in html


def test_links_get_safe_rel():
    html = render_markdown("[Balai](https://example.id)")
    assert 'href="https://example.id"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_plain_text_and_excerpt():
    assert plain_text("**a** &amp; _b_\n\n- c") == "a & b c"
    assert render_markdown("   ") == ""
    long = "kata " * 100
    out = plain_excerpt(long, 50)
    assert len(out) <= 50 and out.endswith("…") and "  " not in out
    assert plain_excerpt("pendek", 50) == "pendek"


def test_plain_text_keeps_punctuation_next_to_emphasis_and_unescapes_once():
    assert plain_text("Warga RW 05 diundang **kerja bakti**.") == "Warga RW 05 diundang kerja bakti."
    assert plain_text("Baca [di sini](https://bandung.go.id), _segera_!") == "Baca di sini, segera!"
    assert plain_text("# Judul\nIsi") == "Judul Isi"
    assert plain_text("Tulis `&lt;b&gt;` saja") == "Tulis &lt;b&gt; saja"  # what the writer typed, once unescaped
