package io.drdrill.supplychain;

import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;

import java.util.List;

/** Renders JSON schema errors as {@code components[0].type: message}, the notation of the step's other notes. */
final class SchemaErrors {

    private SchemaErrors() {
    }

    static List<String> describe(List<Error> errors) {
        return errors.stream().map(SchemaErrors::describe).toList();
    }

    static String describe(Error error) {
        return location(error.getInstanceLocation()) + ": " + error.getMessage();
    }

    static String location(NodePath path) {
        if (path == null || path.getNameCount() == 0) {
            return "(document)";
        }
        StringBuilder location = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) {
                location.append('[').append(index).append(']');
            } else {
                location.append(location.isEmpty() ? "" : ".").append(element);
            }
        }
        return location.toString();
    }
}
