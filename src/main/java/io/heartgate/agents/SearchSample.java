package io.heartgate.agents;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Some agents' search texts (id, hostname and ip), taken at random, which tell how common a search term is before
 * the store is asked for it (the stores' planners cannot tell: neither keeps statistics of substrings).
 * <ul>
 *   <li>A trigram index reads, for each trigram of the term, the whole list of agents that hold it. When a fleet's
 *       ids share a prefix, every trigram of that prefix lists every agent: at a million agents, a search for
 *       {@code fleet-agent-000123} read 3,757 pages of PostgreSQL's index for ten agents. So the index is asked for
 *       a part of the term whose trigrams not nearly every agent holds ({@code 000123}), and the agents it gives
 *       are tested against the whole term: 35 -> 1 ms.</li>
 *   <li>A term most agents hold ({@code fleet}) makes the index list the whole fleet, to be sorted for one page:
 *       1-2 s. The agents are then read in the page's order and tested one by one, which stops at a page: under a
 *       millisecond on both stores when the order has an index.</li>
 * </ul>
 * A sample that no longer resembles the fleet only makes a search slower: the plan never changes which agents match.
 *
 * @param texts the lower-cased texts
 * @param trigrams for each trigram, how many texts hold it
 */
record SearchSample(List<String> texts, Map<String, Integer> trigrams) {
  static final SearchSample NONE = new SearchSample(List.of(), Map.of());
  /** The shortest term a trigram index can look up. */
  private static final int INDEXED_LENGTH = 3;
  /**
   * A term held by at least one text in SEARCHED_IN_ORDER is searched by reading the agents in the page's order: a
   * page of 100 then reads up to some 10,000 of them.
   */
  private static final int SEARCHED_IN_ORDER = 100;
  /**
   * The index may be asked for a part of the term without the trigrams held by at least one text in UBIQUITOUS
   * (see {@link #plan}).
   */
  private static final int UBIQUITOUS = 10;
  /** Neither counts what fewer texts than this hold: a fleet too small to sample well. */
  private static final int COMMON_COUNT = 10;
  /**
   * What reading one more agent's text costs, in entries of the index's lists: on PostgreSQL 1,400, on SQLite 2,600
   * (a million agents; asking PostgreSQL for "123" alone gave 11,687 agents to read: 47 ms).
   */
  private static final int CANDIDATE_COST = 1_000;

  static SearchSample of(List<String> texts) {
    List<String> lower = texts.stream().map(text -> text.toLowerCase(Locale.ROOT)).toList();
    Map<String, Integer> trigrams = new HashMap<>();
    for (String text : lower) {
      Set<String> held = new HashSet<>();
      int[] points = text.codePoints().toArray();
      for (int i = 0; i + INDEXED_LENGTH <= points.length; i++) {
        held.add(new String(points, i, INDEXED_LENGTH));
      }
      held.forEach(trigram -> trigrams.merge(trigram, 1, Integer::sum));
    }
    return new SearchSample(lower, trigrams);
  }

  /**
   * How the agents holding the search term are found. A term one agent in SEARCHED_IN_ORDER holds is searched in the
   * page's order. Otherwise the index is asked for the whole term or for the longest run of its trigrams that are not
   * ubiquitous, whichever costs less by the sample: the entries of the lists the index reads, and the agents it then
   * gives to read. The sample is read lower-cased; the plan keeps the term's own case (see {@link SearchPlan}).
   */
  SearchPlan plan(String search) {
    String term = search.toLowerCase(Locale.ROOT);
    int[] points = term.codePoints().toArray();
    if (points.length < INDEXED_LENGTH || heldByOneIn(SEARCHED_IN_ORDER, holding(term))) {
      return SearchPlan.of(search, null, term, null);
    }
    int[] run = longestRun(points);
    String part = new String(points, run[0], run[1]);
    if (cost(part) >= cost(term)) {
      return SearchPlan.of(search, search, term, term);
    }
    if (search.codePointCount(0, search.length()) != points.length) {
      // Lower-casing changed the term's length (a rare letter such as \u0130): the run is not where it was as sent.
      return SearchPlan.of(search, search, term, part);
    }
    int start = search.offsetByCodePoints(0, run[0]);
    return SearchPlan.of(search, search.substring(start, search.offsetByCodePoints(start, run[1])), term, part);
  }

  /**
   * Where the longest run of the term's trigrams that are not ubiquitous (the first of equals) starts and how many
   * characters it spans, or the whole term.
   */
  private int[] longestRun(int[] points) {
    int bestStart = 0;
    int bestLength = 0;
    int runStart = 0;
    for (int i = 0; i + INDEXED_LENGTH <= points.length; i++) {
      if (heldByOneIn(UBIQUITOUS, trigrams.getOrDefault(new String(points, i, INDEXED_LENGTH), 0))) {
        runStart = i + 1;
      } else if (i + 1 - runStart > bestLength) {
        bestStart = runStart;
        bestLength = i + 1 - runStart;
      }
    }
    return bestLength == 0 ? new int[] {0, points.length} : new int[] {bestStart, bestLength + INDEXED_LENGTH - 1};
  }

  /** What asking the index for this part costs by the sample (in entries of lists). */
  private long cost(String part) {
    int[] points = part.codePoints().toArray();
    long entries = 0;
    for (int i = 0; i + INDEXED_LENGTH <= points.length; i++) {
      entries += trigrams.getOrDefault(new String(points, i, INDEXED_LENGTH), 0);
    }
    return entries + CANDIDATE_COST * holding(part);
  }

  private long holding(String part) {
    return texts.stream().filter(text -> text.contains(part)).count();
  }

  private boolean heldByOneIn(int share, long holding) {
    return holding >= COMMON_COUNT && holding * share >= texts.size();
  }

  /**
   * A term as the client sent it, and the same lower-cased in Java. The store lower-cases a term as it lower-cases
   * the agents' texts, which finds a term as sent and ASCII letters in any case; beyond ASCII the two may not agree
   * (SQLite's LOWER folds ASCII letters only, PostgreSQL's those of the database's locale), so a term with other
   * letters is looked for lower-cased in Java too, which finds them where the agent sent them in lower case.
   *
   * @param term the term every agent found holds
   * @param indexed the part of the term to ask the trigram index for, or null to test agents in the page's order
   * @param lowered both lower-cased in Java, when that may differ from what the store makes of them; else null
   */
  record SearchPlan(String term, String indexed, SearchPlan lowered) {
    static SearchPlan of(String term, String indexed, String loweredTerm, String loweredIndexed) {
      boolean storeLowersAlike = term.equals(loweredTerm) || term.chars().allMatch(c -> c < 0x80);
      return new SearchPlan(term, indexed,
          storeLowersAlike ? null : new SearchPlan(loweredTerm, loweredIndexed, null));
    }

    /** The spellings to look for: this one and the lower-cased one, if any. */
    List<SearchPlan> spellings() {
      return lowered == null ? List.of(this) : List.of(this, lowered);
    }
  }
}
