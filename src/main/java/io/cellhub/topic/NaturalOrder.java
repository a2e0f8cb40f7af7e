package io.cellhub.topic;

import java.util.Comparator;

/**
 * Orders names the way people count: {@code line2} before {@code line10}. Runs of ASCII digits
 * compare by their value, everything else by UTF-16 code unit; names that differ only in leading
 * zeros fall back to plain string order, so no two different names compare equal. The dashboard's
 * scripts order live rows with the same rules.
 */
public final class NaturalOrder implements Comparator<String> {

    public static final NaturalOrder INSTANCE = new NaturalOrder();

    private NaturalOrder() {
    }

    @Override
    public int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (digit(ca) && digit(cb)) {
                int si = skipZeros(a, i);
                int sj = skipZeros(b, j);
                int ei = digitsEnd(a, si);
                int ej = digitsEnd(b, sj);
                if (ei - si != ej - sj) {
                    return (ei - si) - (ej - sj);
                }
                for (int k = 0; k < ei - si; k++) {
                    int d = a.charAt(si + k) - b.charAt(sj + k);
                    if (d != 0) {
                        return d;
                    }
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return ca - cb;
                }
                i++;
                j++;
            }
        }
        int rest = (a.length() - i) - (b.length() - j);
        return rest != 0 ? rest : a.compareTo(b);
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int skipZeros(String s, int from) {
        int i = from;
        while (i < s.length() - 1 && s.charAt(i) == '0' && digit(s.charAt(i + 1))) {
            i++;
        }
        return i;
    }

    private static int digitsEnd(String s, int from) {
        int i = from;
        while (i < s.length() && digit(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
