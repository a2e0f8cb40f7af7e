package io.cellhub.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which of its topics a cell has: the suffixes among the readings, {@code status} and the compact
 * {@code joints}, and the indexes of its flattened {@code joints/N} topics. Immutable: the index
 * replaces it when a new topic of the cell appears.
 */
record CellTopics(String name, List<String> suffixes, SortedSet<Integer> flatJoints) {

    CellTopics {
        suffixes = List.copyOf(suffixes);
        flatJoints = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(flatJoints));
    }

    static CellTopics empty(String name) {
        return new CellTopics(name, List.of(), new TreeSet<>());
    }

    CellTopics withSuffix(String suffix) {
        if (suffixes.contains(suffix)) {
            return this;
        }
        List<String> more = new ArrayList<>(suffixes);
        more.add(suffix);
        return new CellTopics(name, more, flatJoints);
    }

    CellTopics withFlatJoint(int index) {
        if (flatJoints.contains(index)) {
            return this;
        }
        TreeSet<Integer> more = new TreeSet<>(flatJoints);
        more.add(index);
        return new CellTopics(name, suffixes, more);
    }

    boolean has(String suffix) {
        return suffixes.contains(suffix);
    }

    /** Every topic of the cell. */
    List<String> topics() {
        List<String> topics = new ArrayList<>(suffixes.size() + flatJoints.size());
        suffixes.forEach(suffix -> topics.add(name + "/" + suffix));
        flatJoints.forEach(index -> topics.add(name + "/" + CellBoard.JOINTS + "/" + index));
        return topics;
    }
}
