package org.mnistspark.report;

import java.util.Base64;
import java.util.List;

/**
 * The pieces the HTML reports (a study's, a run's) are built from. Images go in as data URIs, so a
 * report is one self-contained file that can be mailed or archived alone. Pure: no files.
 */
public final class Html {
  private static final String STYLE = """
      body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em;line-height:1.45;color:#222}
      table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}
      th:first-child,td:first-child{text-align:left}th{background:#f3f3f3}img{max-width:100%}
      td:first-child{overflow-wrap:anywhere}
      """;

  private Html() {}

  /** A table as header and rows of cell text; the first column is left-aligned, the others right. */
  public record Table(List<String> header, List<List<String>> rows) {}

  /** The document up to and including the page's h1. */
  public static void open(StringBuilder b, String title) {
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(escape(title)).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
        .append("<h1>").append(escape(title)).append("</h1>\n");
  }

  public static void close(StringBuilder b) {
    b.append("</body>\n</html>\n");
  }

  public static void heading(StringBuilder b, String text) {
    b.append("<h2>").append(escape(text)).append("</h2>\n");
  }

  public static void paragraph(StringBuilder b, String text) {
    b.append("<p>").append(escape(text)).append("</p>\n");
  }

  public static void list(StringBuilder b, List<String> items) {
    b.append("<ul>\n");
    for (String item : items) {
      b.append("<li>").append(escape(item)).append("</li>\n");
    }
    b.append("</ul>\n");
  }

  public static void table(StringBuilder b, Table t) {
    b.append("<table>\n<tr>");
    for (String h : t.header()) {
      b.append("<th>").append(escape(h)).append("</th>");
    }
    b.append("</tr>\n");
    for (List<String> row : t.rows()) {
      b.append("<tr>");
      for (String cell : row) {
        b.append("<td>").append(escape(cell)).append("</td>");
      }
      b.append("</tr>\n");
    }
    b.append("</table>\n");
  }

  /** A PNG embedded as a data URI. */
  public static void image(StringBuilder b, byte[] png, String alt) {
    b.append("<p><img alt=\"").append(escape(alt)).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\"></p>\n");
  }

  public static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
